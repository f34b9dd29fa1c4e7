/**
 * The playback rule, once: as a pure predicate and through viewableRooms (attendance from the course log, the class
 * list of the course's teacher), which roomlist, cmd_proxy and the console all use; the publish switch with its
 * audience, and the student page's list. Runs on both engines (TEST_ENGINE=pg).
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { inTransaction } from '../../db/client';
import { courseEvents, courses, users } from '../../db/schema';
import { addClassStudents, removeClassStudent } from '../console/class-list';
import { runLesson } from '../testing/playback-fixtures';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { dataVersionsOf } from './data-versions';
import {
  getViewablePlayback,
  listSharedPlaybacks,
  mayViewPlayback,
  playbackReach,
  setPlaybackPublished,
  viewableRooms,
  visibleMedia,
  type PlaybackFacts,
} from './playback-access';
import { recordRecording } from './recordings';
import { COURSE_STATE } from './course-state';
import type { Caller } from './schemas';
import { asTeacher, taughtCourse } from './course-access';

describe('mayViewPlayback', () => {
  const c = (over: Partial<PlaybackFacts> = {}): Omit<PlaybackFacts, 'roomnum'> => ({
    hostUid: 'host',
    state: COURSE_STATE.PLAYBACK,
    playbackPublished: true,
    playbackAudience: 'attendees',
    ...over,
  });
  const none = { attended: false, listed: false };
  const attended = { attended: true, listed: false };
  const listed = { attended: false, listed: true };
  it('host always; others only for an ended, published course they attended', () => {
    expect(mayViewPlayback(c({ playbackPublished: false, state: COURSE_STATE.LIVE }), 'host', none)).toBe(true);
    expect(mayViewPlayback(c(), 'stu', attended)).toBe(true);
    expect(mayViewPlayback(c({ state: COURSE_STATE.ENDED }), 'stu', attended)).toBe(true);
    expect(mayViewPlayback(c(), 'stu', none)).toBe(false);
    expect(mayViewPlayback(c({ playbackPublished: false }), 'stu', attended)).toBe(false);
    expect(mayViewPlayback(c({ state: COURSE_STATE.LIVE }), 'stu', attended)).toBe(false);
  });
  it("the class list counts only when the audience is 'class', and only once published and ended", () => {
    const toClass = { playbackAudience: 'class' } as const;
    expect(mayViewPlayback(c(), 'stu', listed)).toBe(false);
    expect(mayViewPlayback(c(toClass), 'stu', listed)).toBe(true);
    expect(mayViewPlayback(c(toClass), 'stu', attended)).toBe(true);
    expect(mayViewPlayback(c(toClass), 'stu', none)).toBe(false);
    expect(mayViewPlayback(c({ ...toClass, playbackPublished: false }), 'stu', listed)).toBe(false);
    expect(mayViewPlayback(c({ ...toClass, state: COURSE_STATE.LIVE }), 'stu', listed)).toBe(false);
  });
});

describe('viewableRooms', () => {
  it('answers a whole page from the rows and one attendance query', async () => {
    const ctx = createTestCtx();
    await inTransaction(ctx.db, (tx) =>
      tx.insert(users).values([{ uid: 'host', pwdHash: 'x', role: 1, createdAt: T0 }]),
    );
    const shapes = [
      { state: 3, playbackPublished: true },
      { state: 3, playbackPublished: true },
      { state: 3, playbackPublished: false },
      { state: 1, playbackPublished: false },
    ];
    // Room numbers are the database's to give (PostgreSQL's identity is GENERATED ALWAYS).
    const rooms = await inTransaction(ctx.db, (tx) =>
      tx
        .insert(courses)
        .values(
          shapes.map((r) => ({
            ...r,
            appid: ctx.env.SDKAPPID,
            hostUid: 'host',
            title: 't',
            createdAt: T0,
            listTime: T0,
          })),
        )
        .returning({ roomnum: courses.roomnum }),
    );
    const [r1, r2, r3, r4] = rooms.map((r) => r.roomnum) as [number, number, number, number];
    // stu attended r1 and r3; r2 only had someone else.
    await inTransaction(ctx.db, (tx) =>
      tx.insert(courseEvents).values([
        { roomnum: r1, at: T0, kind: 'member_enter', uid: 'stu', role: 0 },
        { roomnum: r3, at: T0, kind: 'member_enter', uid: 'stu', role: 0 },
        { roomnum: r2, at: T0, kind: 'member_enter', uid: 'other', role: 0 },
        { roomnum: r2, at: T0, kind: 'member_exit', uid: 'stu', role: 0 },
      ]),
    );
    const facts = shapes.map((r, i) => ({
      ...r,
      roomnum: rooms[i]!.roomnum,
      hostUid: 'host',
      playbackAudience: 'attendees' as const,
    }));
    const stu = { uid: 'stu', role: 0, appid: ctx.env.SDKAPPID };
    expect([...(await viewableRooms(ctx, stu, facts))]).toEqual([r1]);
    expect([...(await viewableRooms(ctx, { ...stu, uid: 'host', role: 1 }, facts))].sort()).toEqual([r1, r2, r3, r4]);
    expect([...(await viewableRooms(ctx, { ...stu, uid: 'teacher2', role: 1 }, facts))]).toEqual([]);
  });
  it('asks any number of rooms: padded to a prepared size, more than 64 in chunks', async () => {
    const ctx = createTestCtx();
    await inTransaction(ctx.db, (tx) =>
      tx.insert(users).values([{ uid: 'host', pwdHash: 'x', role: 1, createdAt: T0 }]),
    );
    const rooms = (
      await inTransaction(ctx.db, (tx) =>
        tx
          .insert(courses)
          .values(
            Array.from({ length: 70 }, () => ({
              appid: ctx.env.SDKAPPID,
              hostUid: 'host',
              title: 't',
              state: 3,
              playbackPublished: true,
              createdAt: T0,
              listTime: T0,
            })),
          )
          .returning({ roomnum: courses.roomnum }),
      )
    ).map((r) => r.roomnum);
    // stu entered every seventh room, the last one among them (it lies in the second chunk).
    const attended = rooms.filter((_, i) => i % 7 === 6);
    await inTransaction(ctx.db, (tx) =>
      tx
        .insert(courseEvents)
        .values(attended.map((roomnum) => ({ roomnum, at: T0, kind: 'member_enter' as const, uid: 'stu', role: 0 }))),
    );
    const facts = rooms.map((roomnum) => ({
      roomnum,
      hostUid: 'host',
      state: 3,
      playbackPublished: true,
      playbackAudience: 'attendees' as const,
    }));
    const stu = { uid: 'stu', role: 0, appid: ctx.env.SDKAPPID };
    const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
    expect(sorted(await viewableRooms(ctx, stu, facts))).toEqual(attended);
    // Three rooms (padded to four), one attended.
    expect(sorted(await viewableRooms(ctx, stu, facts.slice(4, 7)))).toEqual([rooms[6]]);
    expect(sorted(await viewableRooms(ctx, stu, facts.slice(0, 3)))).toEqual([]);
  });
});

describe("publishing to the whole class list ('class')", () => {
  async function courseRow(ctx: ReturnType<typeof createTestCtx>, roomnum: number) {
    const [c] = await ctx.db.select().from(courses).where(eq(courses.roomnum, roomnum));
    return c!;
  }

  /**
   * teacher1's ended lesson with a recording, attended by stu1; teacher2's lesson had stu2–stu4. teacher1's class
   * list: stu1 and stu2 (absent from teacher1's lesson); teacher2's: stu3. `sees(uid)` asks every door's service.
   */
  async function setUp() {
    const ctx = createTestCtx();
    const who = (uid: string, role = 0): Caller => ({ uid, role, appid: ctx.env.SDKAPPID });
    const lesson = await runLesson(ctx, { students: ['stu1'] });
    await runLesson(ctx, { teacherUid: 'teacher2', students: ['stu2', 'stu3', 'stu4'], title: 'Other class' });
    await recordRecording(ctx, {
      stream_param: `groupid=${lesson.roomnum}&userid=${Buffer.from('teacher1').toString('base64')}`,
      file_id: 'f1',
      video_id: 'v1',
      video_url: 'https://1253.vod2.myqcloud.com/abc/f1.mp4',
      start_time: lesson.begin,
      end_time: lesson.end,
      media_start_time: 0,
      file_size: 10,
      duration: lesson.end - lesson.begin,
    });
    const teacher = lesson.teacher;
    expect(await addClassStudents(ctx, teacher, ['stu1', 'stu2'])).toEqual(['added', 'added']);
    expect(await addClassStudents(ctx, asTeacher(who('teacher2', 1)), ['stu3'])).toEqual(['added']);
    const { roomnum } = lesson;
    const sees = async (uid: string) => {
      const c = who(uid, uid.startsWith('teacher') ? 1 : 0);
      return {
        rule: (await viewableRooms(ctx, c, [await courseRow(ctx, roomnum)])).has(roomnum),
        page: (await listSharedPlaybacks(ctx, c)).some((p) => p.roomnum === roomnum),
        media: (await visibleMedia(ctx, c)).fileIds.includes('f1'),
        watch: await getViewablePlayback(ctx, c, roomnum).then(
          () => true,
          (e: unknown) => (expect(e).toMatchObject({ code: 'ROOM_NOT_FOUND' }), false),
        ),
      };
    };
    return { ctx, teacher, roomnum, sees, who };
  }
  const yes = { rule: true, page: true, media: true, watch: true };
  const no = { rule: false, page: false, media: false, watch: false };

  it('attendees only unless asked; the whole class list adds its absent students, and nobody else', async () => {
    const { ctx, teacher, roomnum, sees } = await setUp();
    expect(await setPlaybackPublished(ctx, await taughtCourse(ctx, teacher, roomnum), { published: true })).toEqual({
      published: true,
      audience: 'attendees',
    });
    expect(await sees('stu1')).toEqual(yes);
    expect(await sees('stu2')).toEqual(no); // on the list, absent
    expect(await sees('stu3')).toEqual(no);

    expect(
      await setPlaybackPublished(ctx, await taughtCourse(ctx, teacher, roomnum), {
        published: true,
        audience: 'class',
      }),
    ).toEqual({ published: true, audience: 'class' });
    expect(await sees('stu1')).toEqual(yes);
    expect(await sees('stu2')).toEqual(yes);
    // On another teacher's list, or on none: never.
    expect(await sees('stu3')).toEqual(no);
    expect(await sees('stu4')).toEqual(no);
    expect(await sees('teacher2')).toEqual(no);

    // Withdrawn: nobody but the teacher; the choice is kept for the next publish.
    expect(await setPlaybackPublished(ctx, await taughtCourse(ctx, teacher, roomnum), { published: false })).toEqual({
      published: false,
      audience: 'class',
    });
    expect(await sees('stu1')).toEqual(no);
    expect(await sees('stu2')).toEqual(no);
    expect((await viewableRooms(ctx, teacher, [await courseRow(ctx, roomnum)])).has(roomnum)).toBe(true);
    expect(await setPlaybackPublished(ctx, await taughtCourse(ctx, teacher, roomnum), { published: true })).toEqual({
      published: true,
      audience: 'class',
    });
    expect(await sees('stu2')).toEqual(yes);
  });

  it('a student taken off the class list loses a replay they did not attend; one who attended keeps it', async () => {
    const { ctx, teacher, roomnum, sees } = await setUp();
    await setPlaybackPublished(ctx, await taughtCourse(ctx, teacher, roomnum), { published: true, audience: 'class' });
    await removeClassStudent(ctx, teacher, 'stu2');
    await removeClassStudent(ctx, teacher, 'stu1');
    expect(await sees('stu2')).toEqual(no);
    expect(await sees('stu1')).toEqual(yes);
  });

  it('narrowing back to attendees hides it from absent students again', async () => {
    const { ctx, teacher, roomnum, sees } = await setUp();
    await setPlaybackPublished(ctx, await taughtCourse(ctx, teacher, roomnum), { published: true, audience: 'class' });
    expect(await sees('stu2')).toEqual(yes);
    await setPlaybackPublished(ctx, await taughtCourse(ctx, teacher, roomnum), {
      published: true,
      audience: 'attendees',
    });
    expect(await sees('stu2')).toEqual(no);
    expect(await sees('stu1')).toEqual(yes);
  });

  it('a write of the audience alone moves the course_list data version (cached roomlist pages carry it)', async () => {
    const { ctx, teacher, roomnum } = await setUp();
    await setPlaybackPublished(ctx, await taughtCourse(ctx, teacher, roomnum), { published: true });
    const versions = dataVersionsOf(ctx);
    const before = await versions.read('course_list');
    await inTransaction(ctx.db, (tx) =>
      tx.update(courses).set({ playbackAudience: 'class' }).where(eq(courses.roomnum, roomnum)),
    );
    expect(await versions.read('course_list')).toBeGreaterThan(before);
  });

  it('only the course teacher sets it; the reach counts attendees, and attendees with the class list once each', async () => {
    const { ctx, teacher, roomnum, who } = await setUp();
    // Another teacher never holds this course, so cannot publish it (the console shows that as a missing room).
    await expect(taughtCourse(ctx, who('teacher2', 1), roomnum)).rejects.toMatchObject({ code: 'NOT_YOUR_COURSE' });
    const attendance = [
      { uid: 'teacher1', role: 1 },
      { uid: 'stu1', role: 0 },
    ];
    // stu1 attended and is listed (counted once), stu2 is listed; the teacher is nobody's audience.
    expect(await playbackReach(ctx, { hostUid: teacher.uid }, attendance)).toEqual({ attendees: 1, class: 2 });
    expect(await playbackReach(ctx, { hostUid: 'teacher2' }, [])).toEqual({ attendees: 0, class: 1 });
  });
});
