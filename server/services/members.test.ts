import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { courses, members, users } from '../../db/schema';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { createCourse, startCourse } from './courses';
import { recordHeartbeat, reportMember } from './members';
import { heartbeatWriteGranularityS } from './presence';
import type { Caller } from './schemas';
import { taughtCourse, asTeacher } from './course-access';

async function liveCourse() {
  const ctx = createTestCtx();
  await inTransaction(ctx.db, (tx) =>
    tx.insert(users).values([
      { uid: 'teacher', pwdHash: 'x', role: 1, createdAt: 1 },
      { uid: 'stu', pwdHash: 'x', role: 0, createdAt: 1 },
    ]),
  );
  const teacher = asTeacher({ uid: 'teacher', role: 1, appid: ctx.env.SDKAPPID });
  const stu: Caller = { uid: 'stu', role: 0, appid: ctx.env.SDKAPPID };
  const { roomnum } = await createCourse(ctx, teacher, { title: 'hb' });
  await startCourse(ctx, await taughtCourse(ctx, teacher, roomnum), { timeStamp: 1 });
  await reportMember(ctx, stu, { roomnum, operate: 0, timeStamp: 1 });
  const memberBeat = async (uid: string) =>
    (
      await ctx.db
        .select()
        .from(members)
        .where(and(eq(members.roomnum, roomnum), eq(members.uid, uid)))
    )[0]!.lastHeartbeat;
  const courseBeat = async () =>
    (await ctx.db.select().from(courses).where(eq(courses.roomnum, roomnum)))[0]!.lastHeartbeat;
  return { ctx, teacher, stu, roomnum, memberBeat, courseBeat };
}

describe('recordHeartbeat', () => {
  it('derives the write granularity from the silence limits (10 s by default, never 0)', () => {
    expect(heartbeatWriteGranularityS({ MEMBER_DEAD_S: 120, COURSE_DEAD_S: 300 })).toBe(10);
    expect(heartbeatWriteGranularityS({ MEMBER_DEAD_S: 36, COURSE_DEAD_S: 300 })).toBe(3);
    expect(heartbeatWriteGranularityS({ MEMBER_DEAD_S: 5, COURSE_DEAD_S: 5 })).toBe(1);
  });

  it('writes a student beat only once the stored one is a granule old', async () => {
    const { ctx, stu, roomnum, memberBeat } = await liveCourse();
    expect(await memberBeat('stu')).toBe(T0);
    ctx.clock.advance(9);
    await recordHeartbeat(ctx, stu, roomnum);
    expect(await memberBeat('stu')).toBe(T0); // 9 s old: fresh enough, nothing written
    ctx.clock.advance(1);
    await recordHeartbeat(ctx, stu, roomnum);
    expect(await memberBeat('stu')).toBe(T0 + 10);
  });

  it("refreshes the host's member row and the course together", async () => {
    const { ctx, teacher, roomnum, memberBeat, courseBeat } = await liveCourse();
    ctx.clock.advance(30);
    await recordHeartbeat(ctx, teacher, roomnum);
    expect(await memberBeat('teacher')).toBe(T0 + 30);
    expect(await courseBeat()).toBe(T0 + 30);
  });

  it('never revives an exited member, and refuses an unknown room', async () => {
    const { ctx, stu, roomnum, memberBeat } = await liveCourse();
    await reportMember(ctx, stu, { roomnum, operate: 1, timeStamp: 1 });
    ctx.clock.advance(60);
    await recordHeartbeat(ctx, stu, roomnum);
    expect(await memberBeat('stu')).toBe(T0);
    await expect(recordHeartbeat(ctx, stu, 999_999)).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });
  });
});
