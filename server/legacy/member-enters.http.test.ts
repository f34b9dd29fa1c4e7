/**
 * Enter reports bounded per member and course (MEMBER_ENTERS_PER_COURSE), over real HTTP: a student (any account,
 * in another teacher's course) cycling enter/exit far past the bound gets 0 for every report, but only the first
 * MEMBER_ENTERS_PER_COURSE enters are stored and announced (IM 1003); beyond it they stay out of the room, and the
 * attendance counts exactly the stays it logged — not a minute more. The course's own teacher is not bounded;
 * a member within the bound re-enters as before.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courseEvents } from '../../db/schema';
import { courseAttendance } from '../services/course-events';
import { createCourse, groupPayloads, OK, signUp, startCourse } from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { createTestCtx } from '../testing/test-ctx';

const BOUND = 20;

describe('enter reports per member and course', () => {
  // Members never time out here: the sweeper's rules are not what this test is about.
  const ctx = createTestCtx({ MEMBER_ENTERS_PER_COURSE: String(BOUND), MEMBER_DEAD_S: '86400' });
  let s: LegacyTestServer;
  let teacher: string;
  let spammer: string;
  let flaky: string;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    teacher = await signUp(s, 'teacher1', 1);
    spammer = await signUp(s, 'spammer', 1); // another teacher's account, a student in this course
    flaky = await signUp(s, 'flaky', 0);
  });
  afterAll(() => s.close());

  const report = (token: string, roomnum: number, operate: 0 | 1) =>
    s.call('live/reportmemid', { token, roomnum, operate });
  const eventCount = async (roomnum: number, uid: string, kind: 'member_enter' | 'member_exit') =>
    Number(
      (
        await ctx.db
          .select({ n: sql<number>`count(*)` })
          .from(courseEvents)
          .where(and(eq(courseEvents.roomnum, roomnum), eq(courseEvents.uid, uid), eq(courseEvents.kind, kind)))
      )[0]!.n,
    );
  const announced = async (roomnum: number, uid: string) =>
    (await groupPayloads(ctx, roomnum)).filter((p) => p.data.type === 1003 && p.from === uid).length;
  const inRoom = async (token: string, roomnum: number) =>
    (
      (
        await s.call<{ total: number; idlist: { id: string }[] }>('live/roomidlist', {
          token,
          roomnum,
          index: 0,
          size: 50,
        })
      ).data?.idlist ?? []
    ).map((m) => m.id);

  it(`${BOUND * 3} enter/exit cycles: all answered 0, ${BOUND} stored and announced, attendance only for the stays logged`, async () => {
    const roomnum = await createCourse(s, teacher, 'Bounded');
    await startCourse(s, teacher, roomnum);
    for (let i = 0; i < BOUND * 3; i++) {
      expect(await report(spammer, roomnum, 0)).toEqual(OK);
      ctx.clock.advance(1); // one second in the room per cycle (while the enters are stored)
      expect(await report(spammer, roomnum, 1)).toEqual(OK);
      ctx.clock.advance(1);
    }
    expect(await eventCount(roomnum, 'spammer', 'member_enter')).toBe(BOUND);
    expect(await eventCount(roomnum, 'spammer', 'member_exit')).toBe(BOUND);
    expect(await announced(roomnum, 'spammer')).toBe(BOUND);

    // One more enter, answered 0, changes nothing: still out of the room, for as long as the course goes on.
    expect(await report(spammer, roomnum, 0)).toEqual(OK);
    expect(await inRoom(teacher, roomnum)).toEqual(['teacher1']);
    ctx.clock.advance(3600);
    expect(await s.call('live/exitroom', { token: teacher, roomnum })).toEqual(OK);
    const row = (await courseAttendance(ctx, roomnum)).find((r) => r.uid === 'spammer')!;
    expect(row).toMatchObject({ sessions: BOUND, secondsPresent: BOUND });
    expect(row.lastLeave).toBeGreaterThan(0); // not "still in the room"
  });

  it('the bound is per course, the teacher of the course is not bounded, and a member within it re-enters as before', async () => {
    const roomnum = await createCourse(s, teacher, 'Teacher and flaky student');
    await startCourse(s, teacher, roomnum);
    for (let i = 0; i < BOUND + 5; i++) {
      expect(await report(teacher, roomnum, 1)).toEqual(OK);
      expect(await report(teacher, roomnum, 0)).toEqual(OK);
    }
    expect(await eventCount(roomnum, 'teacher1', 'member_enter')).toBe(BOUND + 6); // the start's enter, then each
    // A student on a flaky network, within the bound: every re-entry logged, in the room at the end.
    for (let i = 0; i < BOUND - 1; i++) {
      expect(await report(flaky, roomnum, 0)).toEqual(OK);
      expect(await report(flaky, roomnum, 1)).toEqual(OK);
    }
    expect(await report(flaky, roomnum, 0)).toEqual(OK);
    expect(await eventCount(roomnum, 'flaky', 'member_enter')).toBe(BOUND);
    expect((await inRoom(teacher, roomnum)).sort()).toEqual(['flaky', 'teacher1']);
    // The spammer's enters in the other course do not count here.
    expect(await report(spammer, roomnum, 0)).toEqual(OK);
    expect((await inRoom(teacher, roomnum)).sort()).toEqual(['flaky', 'spammer', 'teacher1']);
  });
});
