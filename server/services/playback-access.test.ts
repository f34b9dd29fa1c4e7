/**
 * The playback rule, once: as a pure predicate and through viewableRooms (attendance from the course log), which
 * roomlist, cmd_proxy and the console all use.
 */
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { courseEvents, courses, users } from '../../db/schema';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { mayViewPlayback, viewableRooms, type PlaybackFacts } from './playback-access';
import { COURSE_STATE } from './course-state';

describe('mayViewPlayback', () => {
  const c = (over: Partial<PlaybackFacts> = {}) => ({
    hostUid: 'host',
    state: COURSE_STATE.PLAYBACK,
    playbackPublished: true,
    ...over,
  });
  it('host always; others only for an ended, published course they attended', () => {
    expect(mayViewPlayback(c({ playbackPublished: false, state: COURSE_STATE.LIVE }), 'host', false)).toBe(true);
    expect(mayViewPlayback(c(), 'stu', true)).toBe(true);
    expect(mayViewPlayback(c({ state: COURSE_STATE.ENDED }), 'stu', true)).toBe(true);
    expect(mayViewPlayback(c(), 'stu', false)).toBe(false);
    expect(mayViewPlayback(c({ playbackPublished: false }), 'stu', true)).toBe(false);
    expect(mayViewPlayback(c({ state: COURSE_STATE.LIVE }), 'stu', true)).toBe(false);
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
    const facts = shapes.map((r, i) => ({ ...r, roomnum: rooms[i]!.roomnum, hostUid: 'host' }));
    const stu = { uid: 'stu', role: 0, appid: ctx.env.SDKAPPID };
    expect([...(await viewableRooms(ctx, stu, facts))]).toEqual([r1]);
    expect([...(await viewableRooms(ctx, { ...stu, uid: 'host', role: 1 }, facts))].sort()).toEqual([r1, r2, r3, r4]);
    expect([...(await viewableRooms(ctx, { ...stu, uid: 'teacher2', role: 1 }, facts))]).toEqual([]);
  });
});
