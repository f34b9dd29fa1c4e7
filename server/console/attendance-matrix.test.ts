/**
 * The attendance matrix and a student's history over a real temp database, driven through the real course and member
 * services with a fixed clock: every status, the 5-minute edges, re-entering, courses not started, and that another
 * teacher's courses and students never show.
 */
import { describe, expect, it } from 'vitest';
import { createAccount } from '../services/accounts';
import { attendanceMatrix, GRACE_S, studentHistory } from './attendance-matrix';
import { addClassStudents } from './class-list';
import { createCourse, endCourse, startCourse } from '../services/courses';
import { reportMember } from '../services/members';
import type { Caller } from '../services/schemas';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { asTeacher, taughtCourse, type Teacher } from '../services/course-access';

type Ctx = ReturnType<typeof createTestCtx>;

async function account(ctx: Ctx, uid: string, role: 0 | 1): Promise<Caller> {
  await createAccount(ctx, { id: uid, pwd: 'cHdk', role });
  return { uid, role, appid: ctx.env.SDKAPPID };
}

/** Runs a course of `lengthS` seconds starting now; `script` maps seconds-after-start to member enters/leaves. */
async function runCourse(
  ctx: Ctx,
  teacher: Teacher,
  title: string,
  lengthS: number,
  script: [number, Caller, 'in' | 'out'][],
): Promise<number> {
  const { roomnum } = await createCourse(ctx, teacher, { title });
  const begin = ctx.clock.nowS();
  await startCourse(ctx, await taughtCourse(ctx, teacher, roomnum), { timeStamp: begin });
  for (const [at, who, op] of [...script].sort((a, b) => a[0] - b[0])) {
    ctx.clock.set(begin + at);
    await reportMember(ctx, who, { roomnum, operate: op === 'in' ? 0 : 1, timeStamp: begin + at });
  }
  ctx.clock.set(begin + lengthS);
  await endCourse(ctx, await taughtCourse(ctx, teacher, roomnum), { timeStamp: begin + lengthS });
  return roomnum;
}

function statusOf(m: Awaited<ReturnType<typeof attendanceMatrix>>, uid: string, roomnum: number) {
  const i = m.courses.findIndex((c) => c.roomnum === roomnum);
  return m.rows.find((r) => r.uid === uid)?.cells[i];
}

describe('attendanceMatrix', () => {
  it('classifies present, late, left early and absent with the 5-minute edges', async () => {
    const ctx = createTestCtx();
    const t = asTeacher(await account(ctx, 'teach', 1));
    const [onTime, exactly5, late, leftEarly, reEnter, endEdge] = await Promise.all(
      ['s-ontime', 's-exact5', 's-late', 's-left', 's-reenter', 's-endedge', 's-never'].map((u) => account(ctx, u, 0)),
    );
    await addClassStudents(ctx, t, ['s-never']);
    const L = 3600;
    const room = await runCourse(ctx, t, 'Algebra', L, [
      [0, onTime!, 'in'],
      [GRACE_S, exactly5!, 'in'],
      [GRACE_S + 1, late!, 'in'],
      [10, leftEarly!, 'in'],
      [L - GRACE_S - 1, leftEarly!, 'out'],
      [10, reEnter!, 'in'],
      [600, reEnter!, 'out'],
      [1200, reEnter!, 'in'],
      [20, endEdge!, 'in'],
      [L - GRACE_S, endEdge!, 'out'],
    ]);
    ctx.clock.advance(86_400);
    const m = await attendanceMatrix(ctx, t, {});
    expect(m.courses.map((c) => c.roomnum)).toEqual([room]);
    expect(m.rows.map((r) => r.uid)).toEqual([
      's-endedge',
      's-exact5',
      's-late',
      's-left',
      's-never',
      's-ontime',
      's-reenter',
    ]);
    expect(statusOf(m, 's-ontime', room)).toEqual({ status: 'present', secondsPresent: L });
    expect(statusOf(m, 's-exact5', room)?.status).toBe('present'); // exactly 5 min is on time
    expect(statusOf(m, 's-late', room)).toEqual({ status: 'late', secondsPresent: L - GRACE_S - 1 });
    expect(statusOf(m, 's-left', room)?.status).toBe('left_early');
    expect(statusOf(m, 's-endedge', room)?.status).toBe('present'); // left exactly 5 min before the end
    expect(statusOf(m, 's-reenter', room)).toEqual({ status: 'present', secondsPresent: 590 + (L - 1200) }); // came back: not left early
    expect(statusOf(m, 's-never', room)).toEqual({ status: 'absent', secondsPresent: 0 });
    expect(m.rows.find((r) => r.uid === 's-never')?.listed).toBe(true);
    expect(m.rows.find((r) => r.uid === 's-ontime')?.listed).toBe(false);
    expect(m.rows.some((r) => r.uid === 'teach')).toBe(false);
  });

  it('leaves out courses not started and outside the range; swaps a reversed range; another teacher sees nothing of it', async () => {
    const ctx = createTestCtx();
    const t = asTeacher(await account(ctx, 'teach', 1));
    const other = asTeacher(await account(ctx, 'teach2', 1));
    const s1 = await account(ctx, 'stu1', 0);
    const s2 = await account(ctx, 'stu2', 0);
    await addClassStudents(ctx, t, ['stu1']);
    await addClassStudents(ctx, other, ['stu2']);
    await createCourse(ctx, t, { title: 'Draft never started' });
    const early = await runCourse(ctx, t, 'Early', 600, [[0, s1, 'in']]);
    ctx.clock.advance(40 * 86_400);
    const recent = await runCourse(ctx, t, 'Recent', 600, [[0, s1, 'in']]);
    const theirs = await runCourse(ctx, other, 'Theirs', 600, [
      [0, s2, 'in'],
      [0, s1, 'in'],
    ]);
    const now = ctx.clock.nowS();

    const def = await attendanceMatrix(ctx, t, {});
    expect(def.courses.map((c) => c.roomnum)).toEqual([recent]); // default: last 30 days; the draft has no begin time
    expect(def.rows.map((r) => r.uid)).toEqual(['stu1']); // stu2 is another teacher's student

    const all = await attendanceMatrix(ctx, t, { from: now, to: T0 });
    expect(all.swapped).toBe(true);
    expect(all.courses.map((c) => c.roomnum)).toEqual([early, recent]);

    const theirsView = await attendanceMatrix(ctx, other, { from: T0, to: now });
    expect(theirsView.courses.map((c) => c.roomnum)).toEqual([theirs]);
    expect(theirsView.rows.map((r) => r.uid)).toEqual(['stu1', 'stu2']);

    // A student never holds a Teacher, so the matrix cannot be asked for as one (the doors: dashboard and CSV tests).
    expect(() => asTeacher(s1)).toThrow(expect.objectContaining({ code: 'NO_PRIVILEGE' }));
  });

  it('a live course: nobody is "left early" before it ends, and minutes count up to now', async () => {
    const ctx = createTestCtx();
    const t = asTeacher(await account(ctx, 'teach', 1));
    const s = await account(ctx, 'stu', 0);
    const { roomnum } = await createCourse(ctx, t, { title: 'Live' });
    await startCourse(ctx, await taughtCourse(ctx, t, roomnum), { timeStamp: T0 });
    await reportMember(ctx, s, { roomnum, operate: 0, timeStamp: T0 });
    ctx.clock.advance(60);
    await reportMember(ctx, s, { roomnum, operate: 1, timeStamp: T0 + 60 });
    ctx.clock.advance(600);
    const m = await attendanceMatrix(ctx, t, {});
    expect(statusOf(m, 'stu', roomnum)).toEqual({ status: 'present', secondsPresent: 60 });
  });
});

describe('studentHistory', () => {
  it('lists one student across the caller’s courses, newest first; unknown to this teacher → NOT_FOUND', async () => {
    const ctx = createTestCtx();
    const t = asTeacher(await account(ctx, 'teach', 1));
    const other = asTeacher(await account(ctx, 'teach2', 1));
    const s = await account(ctx, 'stu', 0);
    const a = await runCourse(ctx, t, 'A', 1200, [[0, s, 'in']]);
    ctx.clock.advance(3600);
    const b = await runCourse(ctx, t, 'B', 1200, [[GRACE_S + 60, s, 'in']]);
    ctx.clock.advance(3600);
    await runCourse(ctx, t, 'C', 1200, []);
    const h = await studentHistory(ctx, t, 'stu', {});
    expect(h.items.map((i) => [i.title, i.status])).toEqual([
      ['C', 'absent'],
      ['B', 'late'],
      ['A', 'present'],
    ]);
    expect(h.items.find((i) => i.roomnum === a)?.secondsPresent).toBe(1200);
    expect(h.items.find((i) => i.roomnum === b)?.secondsPresent).toBe(1200 - GRACE_S - 60);
    await expect(studentHistory(ctx, other, 'stu', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(studentHistory(ctx, t, 'nobody', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
