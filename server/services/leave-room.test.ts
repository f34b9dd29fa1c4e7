/**
 * leaveRoomTx, the one "a member leaves" step (reportmemid exit, a course's end, the sweeper's timeout): exited_at and
 * one leave event per member who was in the room; a second leave changes nothing and logs nothing.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { courseEvents, members, users } from '../../db/schema';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { createCourse, startCourse } from './courses';
import { leaveRoomTx } from './leave-room';
import { reportMember } from './members';
import { taughtCourse, asTeacher } from './course-access';

async function liveRoom(students: string[]) {
  const ctx = createTestCtx();
  await inTransaction(ctx.db, (tx) =>
    tx
      .insert(users)
      .values([
        { uid: 'teacher', pwdHash: 'x', role: 1, createdAt: 1 },
        ...students.map((uid) => ({ uid, pwdHash: 'x', role: 0, createdAt: 1 })),
      ]),
  );
  const teacher = asTeacher({ uid: 'teacher', role: 1, appid: ctx.env.SDKAPPID });
  const { roomnum } = await createCourse(ctx, teacher, { title: 'leave' });
  await startCourse(ctx, await taughtCourse(ctx, teacher, roomnum), { timeStamp: 1 });
  for (const uid of students)
    await reportMember(ctx, { uid, role: 0, appid: ctx.env.SDKAPPID }, { roomnum, operate: 0, timeStamp: 1 });
  const exitedAt = async (uid: string) =>
    (
      await ctx.db
        .select({ exitedAt: members.exitedAt })
        .from(members)
        .where(and(eq(members.roomnum, roomnum), eq(members.uid, uid)))
    )[0]?.exitedAt;
  const leaves = async () =>
    (
      await ctx.db
        .select({
          kind: courseEvents.kind,
          uid: courseEvents.uid,
          role: courseEvents.role,
          at: courseEvents.at,
          detail: courseEvents.detail,
        })
        .from(courseEvents)
        .where(eq(courseEvents.roomnum, roomnum))
        .orderBy(courseEvents.id)
    ).filter((e) => e.kind === 'member_exit' || e.kind === 'member_timeout');
  return { ctx, roomnum, exitedAt, leaves };
}

describe('leaveRoomTx', () => {
  it('one member leaves once: exited_at and one event; a second leave changes nothing', async () => {
    const { ctx, roomnum, exitedAt, leaves } = await liveRoom(['stu1', 'stu2']);
    const leave = (at: number) => inTransaction(ctx.db, (tx) => leaveRoomTx(tx, roomnum, { uid: 'stu1' }, at, 'exit'));
    expect(await leave(T0 + 10)).toEqual([{ uid: 'stu1', role: 0 }]);
    expect(await exitedAt('stu1')).toBe(T0 + 10);
    expect(await exitedAt('stu2')).toBeNull();
    expect(await leaves()).toEqual([{ kind: 'member_exit', uid: 'stu1', role: 0, at: T0 + 10, detail: '' }]);

    expect(await leave(T0 + 20)).toEqual([]);
    expect(await exitedAt('stu1')).toBe(T0 + 10);
    expect(await leaves()).toHaveLength(1);
  });

  it('someone never in the room: nobody leaves, nothing is written', async () => {
    const { ctx, roomnum, leaves } = await liveRoom(['stu1']);
    expect(await inTransaction(ctx.db, (tx) => leaveRoomTx(tx, roomnum, { uid: 'ghost' }, T0 + 5, 'exit'))).toEqual([]);
    expect(await ctx.db.select().from(members).where(eq(members.uid, 'ghost'))).toEqual([]);
    expect(await leaves()).toEqual([]);
  });

  it('a timeout keeps the last heartbeat in the event (when the member really left)', async () => {
    const { ctx, roomnum, exitedAt, leaves } = await liveRoom(['stu1']);
    await inTransaction(ctx.db, (tx) =>
      tx
        .update(members)
        .set({ lastHeartbeat: T0 + 3 })
        .where(eq(members.uid, 'stu1')),
    );
    expect(await inTransaction(ctx.db, (tx) => leaveRoomTx(tx, roomnum, { uid: 'stu1' }, T0 + 200, 'timeout'))).toEqual(
      [{ uid: 'stu1', role: 0 }],
    );
    expect(await exitedAt('stu1')).toBe(T0 + 200);
    expect(await leaves()).toEqual([
      { kind: 'member_timeout', uid: 'stu1', role: 0, at: T0 + 200, detail: JSON.stringify({ lastHeartbeat: T0 + 3 }) },
    ]);
  });

  it("'everyone' exits only those still in the room, teacher included, each once", async () => {
    const { ctx, roomnum, exitedAt, leaves } = await liveRoom(['stu1', 'stu2']);
    await inTransaction(ctx.db, (tx) => leaveRoomTx(tx, roomnum, { uid: 'stu2' }, T0 + 5, 'exit'));
    const left = await inTransaction(ctx.db, (tx) => leaveRoomTx(tx, roomnum, 'everyone', T0 + 9, 'exit'));
    expect(left.map((m) => m.uid).sort()).toEqual(['stu1', 'teacher']);
    expect([await exitedAt('teacher'), await exitedAt('stu1'), await exitedAt('stu2')]).toEqual([
      T0 + 9,
      T0 + 9,
      T0 + 5,
    ]);
    expect((await leaves()).map((e) => [e.uid, e.at])).toEqual(
      expect.arrayContaining([
        ['stu2', T0 + 5],
        ['stu1', T0 + 9],
        ['teacher', T0 + 9],
      ]),
    );
    expect(await leaves()).toHaveLength(3);
    expect(await inTransaction(ctx.db, (tx) => leaveRoomTx(tx, roomnum, 'everyone', T0 + 30, 'exit'))).toEqual([]);
    expect(await leaves()).toHaveLength(3);
  });

  it('is undone with its transaction (a later failure in the same step leaves the member in the room)', async () => {
    const { ctx, roomnum, exitedAt, leaves } = await liveRoom(['stu1']);
    await expect(
      inTransaction(ctx.db, async (tx) => {
        await leaveRoomTx(tx, roomnum, { uid: 'stu1' }, T0 + 5, 'exit');
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    expect(await exitedAt('stu1')).toBeNull();
    expect(await leaves()).toEqual([]);
  });
});
