/** The class list over a real temp database: who can be added, per-line CSV results, bounds, and parsing. */
import { describe, expect, it } from 'vitest';
import { createAccount } from '../services/accounts';
import {
  addClassStudents,
  CLASS_CSV_MAX_CHARS,
  importClassCsv,
  listClassStudents,
  parseClassCsv,
  removeClassStudent,
} from './class-list';
import type { Caller } from '../services/schemas';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { asTeacher } from '../services/course-access';

async function setup() {
  const ctx = createTestCtx();
  for (const [id, role] of [
    ['teach', 1],
    ['teach2', 1],
    ['s1', 0],
    ['s2', 0],
    ['s3', 0],
  ] as const)
    await createAccount(ctx, { id, pwd: 'cHdk', role });
  const t = asTeacher({ uid: 'teach', role: 1, appid: ctx.env.SDKAPPID });
  const t2 = asTeacher({ uid: 'teach2', role: 1, appid: ctx.env.SDKAPPID });
  return { ctx, t, t2 };
}

describe('class list', () => {
  it('adds existing students only, reports repeats, unknown ids, teachers and invalid ids; lists per teacher', async () => {
    const { ctx, t, t2 } = await setup();
    expect(await addClassStudents(ctx, t, ['s1', 's1', 'ghost', 'teach2', 'bad id!', 's2'])).toEqual([
      'added',
      'listed',
      'unknown',
      'unknown',
      'invalid',
      'added',
    ]);
    expect(await addClassStudents(ctx, t, ['s2'])).toEqual(['listed']);
    expect(await listClassStudents(ctx, t)).toEqual([
      { uid: 's1', addedAt: T0 },
      { uid: 's2', addedAt: T0 },
    ]);
    expect(await listClassStudents(ctx, t2)).toEqual([]);
    expect(await removeClassStudent(ctx, t2, 's1')).toBe(false); // not theirs
    expect(await removeClassStudent(ctx, t, 's1')).toBe(true);
    expect((await listClassStudents(ctx, t)).map((s) => s.uid)).toEqual(['s2']);
    const stu: Caller = { uid: 's1', role: 0, appid: ctx.env.SDKAPPID };
    // A student never holds a Teacher, so the class-list services cannot be reached as one.
    expect(() => asTeacher(stu)).toThrow(expect.objectContaining({ code: 'NO_PRIVILEGE' }));
  });

  it('looks up at most CLASS_LIST_LOOKUPS_PER_HOUR ids per teacher (429-style RATE_LIMITED, nothing stored); refills', async () => {
    const { ctx, t, t2 } = await setup();
    const c = Object.assign(ctx, { env: { ...ctx.env, CLASS_LIST_LOOKUPS_PER_HOUR: 5 } });
    expect(await addClassStudents(c, t, ['s1', 'ghost1', 'ghost2', 'bad id!'])).toEqual([
      'added',
      'unknown',
      'unknown',
      'invalid',
    ]);
    await expect(addClassStudents(c, t, ['s2', 'ghost3', 'ghost4'])).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      data: { retryAfterS: 720 },
    });
    expect((await listClassStudents(c, t)).map((s) => s.uid)).toEqual(['s1']);
    expect(await addClassStudents(c, t2, ['s2'])).toEqual(['added']); // another teacher has their own budget
    ctx.clock.advance(720);
    expect(await addClassStudents(c, t, ['s2', 'ghost3', 'ghost4'])).toEqual(['added', 'unknown', 'unknown']);
  });

  it('imports a CSV with a result per line; refuses files over the bounds without storing anything', async () => {
    const { ctx, t } = await setup();
    await addClassStudents(ctx, t, ['s3']);
    const csv = '\uFEFFname,UID\r\nAnn,s1\r\n\r\nBob,"s2"\r\nCid,s3\r\nDan,nobody\r\n';
    expect(await importClassCsv(ctx, t, csv)).toEqual([
      { line: 2, id: 's1', result: 'added' },
      { line: 4, id: 's2', result: 'added' },
      { line: 5, id: 's3', result: 'listed' },
      { line: 6, id: 'nobody', result: 'unknown' },
    ]);
    await expect(importClassCsv(ctx, t, 's1\n'.repeat(1001))).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(importClassCsv(ctx, t, 'x'.repeat(CLASS_CSV_MAX_CHARS + 1))).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    expect((await listClassStudents(ctx, t)).map((s) => s.uid)).toEqual(['s1', 's2', 's3']);
  });

  it('parses plain id lists, header-less CSVs and named columns', () => {
    expect(parseClassCsv('a\nb\r\n  c  \n')).toEqual([
      { line: 1, id: 'a' },
      { line: 2, id: 'b' },
      { line: 3, id: 'c' },
    ]);
    expect(parseClassCsv('id\na')).toEqual([{ line: 2, id: 'a' }]);
    expect(parseClassCsv('a,Ann\nb,Bob')).toEqual([
      { line: 1, id: 'a' },
      { line: 2, id: 'b' },
    ]);
    expect(parseClassCsv('')).toEqual([]);
  });
});
