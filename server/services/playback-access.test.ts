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
    const facts = rooms.map((roomnum) => ({ roomnum, hostUid: 'host', state: 3, playbackPublished: true }));
    const stu = { uid: 'stu', role: 0, appid: ctx.env.SDKAPPID };
    const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
    expect(sorted(await viewableRooms(ctx, stu, facts))).toEqual(attended);
    // Three rooms (padded to four), one attended.
    expect(sorted(await viewableRooms(ctx, stu, facts.slice(4, 7)))).toEqual([rooms[6]]);
    expect(sorted(await viewableRooms(ctx, stu, facts.slice(0, 3)))).toEqual([]);
  });
});
