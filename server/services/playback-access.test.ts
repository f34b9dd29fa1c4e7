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
    const rows = [
      { roomnum: 10001, state: 3, playbackPublished: true },
      { roomnum: 10002, state: 3, playbackPublished: true },
      { roomnum: 10003, state: 3, playbackPublished: false },
      { roomnum: 10004, state: 1, playbackPublished: false },
    ];
    await inTransaction(ctx.db, (tx) =>
      tx
        .insert(courses)
        .values(
          rows.map((r) => ({
            ...r,
            appid: ctx.env.SDKAPPID,
            hostUid: 'host',
            title: 't',
            createdAt: T0,
            listTime: T0,
          })),
        ),
    );
    // stu attended 10001 and 10003; 10002 only had someone else.
    await inTransaction(ctx.db, (tx) =>
      tx.insert(courseEvents).values([
        { roomnum: 10001, at: T0, kind: 'member_enter', uid: 'stu', role: 0 },
        { roomnum: 10003, at: T0, kind: 'member_enter', uid: 'stu', role: 0 },
        { roomnum: 10002, at: T0, kind: 'member_enter', uid: 'other', role: 0 },
        { roomnum: 10002, at: T0, kind: 'member_exit', uid: 'stu', role: 0 },
      ]),
    );
    const facts = rows.map((r) => ({ ...r, hostUid: 'host' }));
    const stu = { uid: 'stu', role: 0, appid: ctx.env.SDKAPPID };
    expect([...(await viewableRooms(ctx, stu, facts))]).toEqual([10001]);
    expect([...(await viewableRooms(ctx, { ...stu, uid: 'host', role: 1 }, facts))].sort()).toEqual([
      10001, 10002, 10003, 10004,
    ]);
    expect([...(await viewableRooms(ctx, { ...stu, uid: 'teacher2', role: 1 }, facts))]).toEqual([]);
  });
});
