/**
 * The sweeper's rules as services (course-timeouts.ts): a silent course is ended once (the second claim loses), its
 * end announced with IM 1002 or, without IM, the last seq in the server's IM log; silent students time out in batches;
 * memberships of long-ended courses go. The job itself (order, batching, two processes) is jobs/sweep-dead-rooms.test.ts.
 */
import { eq, type SQL } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { courseEvents, courses, members } from '../../db/schema';
import { lastLoggedSeq } from '../integrations/im/message-log';
import { createFailableImCtx, seedAccounts } from '../testing/legacy-fixtures';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { createCourse, startCourse } from './courses';
import {
  announceSilentCourseEnd,
  deleteOldMemberships,
  endSilentCourse,
  findSilentCourses,
  timeOutSilentMembers,
} from './course-timeouts';
import { reportMember } from './members';
import { taughtCourse, asTeacher } from './course-access';

type Ctx = ReturnType<typeof createTestCtx>;

async function live(ctx: Ctx, students: string[]) {
  await seedAccounts(ctx, ['teacher'], 1);
  if (students.length) await seedAccounts(ctx, students, 0);
  const teacher = asTeacher({ uid: 'teacher', role: 1, appid: ctx.env.SDKAPPID });
  const { roomnum } = await createCourse(ctx, teacher, { title: 'silent' });
  await startCourse(ctx, await taughtCourse(ctx, teacher, roomnum), { timeStamp: 1 });
  for (const uid of students)
    await reportMember(ctx, { uid, role: 0, appid: ctx.env.SDKAPPID }, { roomnum, operate: 0, timeStamp: 1 });
  return roomnum;
}
const course = async (ctx: Ctx, roomnum: number) =>
  (await ctx.db.select().from(courses).where(eq(courses.roomnum, roomnum)))[0]!;
const eventKinds = async (ctx: Ctx, roomnum: number) =>
  (
    await ctx.db
      .select({ kind: courseEvents.kind })
      .from(courseEvents)
      .where(eq(courseEvents.roomnum, roomnum))
      .orderBy(courseEvents.id)
  ).map((e) => e.kind);
const setBeat = (ctx: Ctx, table: typeof courses | typeof members, at: number, where: SQL) =>
  inTransaction(ctx.db, (tx) => tx.update(table).set({ lastHeartbeat: at }).where(where));

describe('silent courses', () => {
  it('found only once silent; ended exactly once (a second claim, or a fresh heartbeat, loses)', async () => {
    const ctx = createTestCtx();
    const roomnum = await live(ctx, ['stu1']);
    expect(await findSilentCourses(ctx, T0, 10)).toEqual([]);
    const cutoff = T0 + 1;
    expect(await findSilentCourses(ctx, cutoff, 10)).toEqual([{ roomnum, hostUid: 'teacher' }]);

    await setBeat(ctx, courses, T0 + 5, eq(courses.roomnum, roomnum));
    expect(await endSilentCourse(ctx, { roomnum, hostUid: 'teacher' }, cutoff, T0 + 400)).toBe(false);
    expect((await course(ctx, roomnum)).state).toBe(1);

    await setBeat(ctx, courses, T0, eq(courses.roomnum, roomnum));
    expect(await endSilentCourse(ctx, { roomnum, hostUid: 'teacher' }, cutoff, T0 + 400)).toBe(true);
    expect(await endSilentCourse(ctx, { roomnum, hostUid: 'teacher' }, cutoff, T0 + 500)).toBe(false);
    expect(await course(ctx, roomnum)).toMatchObject({ state: 2, endTime: T0 + 400, indexStatus: 'pending' });
    expect((await eventKinds(ctx, roomnum)).filter((k) => k === 'ended_by_sweeper')).toHaveLength(1);
    expect((await ctx.db.select().from(members).where(eq(members.roomnum, roomnum))).map((m) => m.exitedAt)).toEqual([
      T0 + 400,
      T0 + 400,
    ]);
  });

  it('the end is announced with IM 1002, whose seq becomes end_imseq', async () => {
    const ctx = createTestCtx();
    const roomnum = await live(ctx, []);
    await endSilentCourse(ctx, { roomnum, hostUid: 'teacher' }, T0 + 1, T0 + 400);
    await announceSilentCourseEnd(ctx, { roomnum, hostUid: 'teacher' }, T0 + 400);
    const seq = await lastLoggedSeq(ctx.db, String(roomnum));
    expect(seq).toBeGreaterThan((await course(ctx, roomnum)).beginImseq);
    expect((await course(ctx, roomnum)).endImseq).toBe(seq);
  });

  it('without IM, end_imseq is the last seq in the IM log', async () => {
    const ctx = createFailableImCtx();
    const roomnum = await live(ctx, ['stu1', 'stu2']);
    const logged = await lastLoggedSeq(ctx.db, String(roomnum));
    expect(logged).toBeGreaterThan((await course(ctx, roomnum)).beginImseq); // 1001 then two 1003
    ctx.im.failing = true;
    await endSilentCourse(ctx, { roomnum, hostUid: 'teacher' }, T0 + 1, T0 + 400);
    await announceSilentCourseEnd(ctx, { roomnum, hostUid: 'teacher' }, T0 + 400);
    expect((await course(ctx, roomnum)).endImseq).toBe(logged);
  });
});

describe('lastLoggedSeq', () => {
  it('0 for a group with no messages', async () => {
    expect(await lastLoggedSeq(createTestCtx().db, '99999')).toBe(0);
  });
});

describe('silent members', () => {
  it('times out students (never the teacher) in batches of `limit`, each once', async () => {
    const ctx = createTestCtx();
    const roomnum = await live(ctx, ['stu1', 'stu2', 'stu3']);
    await setBeat(ctx, members, T0 - 100, eq(members.roomnum, roomnum));
    await setBeat(ctx, members, T0, eq(members.uid, 'stu3'));
    const cutoff = T0 - 50;
    expect(await timeOutSilentMembers(ctx, cutoff, T0 + 10, 1)).toBe(1);
    expect(await timeOutSilentMembers(ctx, cutoff, T0 + 10, 1)).toBe(1);
    expect(await timeOutSilentMembers(ctx, cutoff, T0 + 10, 1)).toBe(0);
    const rows = await ctx.db.select().from(members).where(eq(members.roomnum, roomnum));
    expect(Object.fromEntries(rows.map((m) => [m.uid, m.exitedAt]))).toEqual({
      teacher: null,
      stu1: T0 + 10,
      stu2: T0 + 10,
      stu3: null,
    });
    expect((await eventKinds(ctx, roomnum)).filter((k) => k === 'member_timeout')).toHaveLength(2);
  });
});

describe('old memberships', () => {
  it('deletes the rows of courses that ended before the limit, not of live or recently ended ones', async () => {
    const ctx = createTestCtx();
    const ended = await live(ctx, ['stu1']);
    await endSilentCourse(ctx, { roomnum: ended, hostUid: 'teacher' }, T0 + 1, T0 + 100);
    const running = await createCourse(ctx, asTeacher({ uid: 'teacher', role: 1, appid: ctx.env.SDKAPPID }), {
      title: 'on',
    });
    await startCourse(
      ctx,
      await taughtCourse(ctx, { uid: 'teacher', role: 1, appid: ctx.env.SDKAPPID }, running.roomnum),
      { timeStamp: 1 },
    );
    expect(await deleteOldMemberships(ctx, T0 + 100)).toBe(0);
    expect(await deleteOldMemberships(ctx, T0 + 101)).toBe(2);
    expect((await ctx.db.select().from(members)).map((m) => m.roomnum)).toEqual([running.roomnum]);
    expect(await eventKinds(ctx, ended)).toContain('member_enter'); // the history stays
  });
});
