import { describe, expect, it } from 'vitest';
import { reportMember } from '../../services/members';
import { createTestCtx } from '../../testing/test-ctx';
import { codeOf, signedIn } from '../testing';

describe('classList router', () => {
  it('adds, imports, lists and removes for the caller only; students are refused', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    const stu = await signedIn(ctx, 'stu1', 0);
    await signedIn(ctx, 'stu2', 0);
    expect(await t.api.classList.add({ ids: ['stu1', 'nobody', 'teach2'] })).toEqual([
      { id: 'stu1', result: 'added' },
      { id: 'nobody', result: 'unknown' },
      { id: 'teach2', result: 'unknown' },
    ]);
    expect(await t.api.classList.importCsv({ text: 'id\nstu2\nstu1\n' })).toEqual([
      { line: 2, id: 'stu2', result: 'added' },
      { line: 3, id: 'stu1', result: 'listed' },
    ]);
    expect((await t.api.classList.list()).map((s) => s.uid)).toEqual(['stu1', 'stu2']);
    expect(await other.api.classList.list()).toEqual([]);
    expect(await other.api.classList.remove({ uid: 'stu1' })).toEqual({ removed: false });
    expect(await t.api.classList.remove({ uid: 'stu1' })).toEqual({ removed: true });
    expect(await codeOf(t.api.classList.importCsv({ text: 'a\n'.repeat(1001) }))).toBe('BAD_REQUEST');
    expect(await codeOf(t.api.classList.add({ ids: [] }))).toBe('BAD_REQUEST');
    expect(await codeOf(stu.api.classList.list())).toBe('FORBIDDEN');
    expect(await codeOf(stu.api.classList.matrix({}))).toBe('FORBIDDEN');
  });

  it('matrix and student history: own courses only; another teacher gets an empty matrix and NOT_FOUND', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    await signedIn(ctx, 'stu1', 0);
    const { roomnum } = await t.api.course.create({ title: 'Mine' });
    await t.api.course.start({ roomnum });
    await reportMember(ctx, { uid: 'stu1', role: 0, appid: ctx.env.SDKAPPID }, { roomnum, operate: 0, timeStamp: 1 });
    ctx.clock.advance(1800);
    await t.api.course.end({ roomnum });

    const m = await t.api.classList.matrix({});
    expect(m.courses.map((c) => c.roomnum)).toEqual([roomnum]);
    expect(m.rows).toEqual([{ uid: 'stu1', listed: false, cells: [{ status: 'present', secondsPresent: 1800 }] }]);
    const h = await t.api.classList.student({ uid: 'stu1' });
    expect(h.items.map((i) => [i.roomnum, i.status])).toEqual([[roomnum, 'present']]);

    expect(await other.api.classList.matrix({})).toMatchObject({ courses: [], rows: [] });
    expect(await codeOf(other.api.classList.student({ uid: 'stu1' }))).toBe('NOT_FOUND');
    const reversed = await t.api.classList.matrix({ from: ctx.clock.nowS(), to: ctx.clock.nowS() - 86_400 });
    expect(reversed.swapped).toBe(true);
    expect(reversed.courses).toHaveLength(1);
  });
});
