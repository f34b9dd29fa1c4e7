/**
 * The sweeper with a fixed clock: courses whose teacher went silent are ended like a teacher would (state 2, end
 * time, members exited, events, IM 1002, queued for indexing); silent students time out; memberships of long-ended
 * courses are deleted; and every change happens exactly once, across repeated runs and two connections sweeping the
 * same database file at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { first } from '../../db/client';
import { courseEvents, courses, members } from '../../db/schema';
import { closeServiceCtx, createServiceCtx, type ServiceCtx } from '../context';
import { loadEnv } from '../env';
import { createLogger } from '../logger';
import { courseAttendance } from '../services/course-events';
import {
  createCourse,
  createFailableImCtx,
  groupPayloads,
  seedAccounts,
  startCourse,
} from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer, withLegacyServer } from '../testing/legacy-server';
import { captureLogs } from '../testing/log-capture';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { openSecondHandle } from '../../db/testing/test-db';
import { testEngine } from '../../db/testing/test-engine';
import { sweepDeadRooms } from './sweep-dead-rooms';

const COURSE_DEAD_S = 300;
const MEMBER_DEAD_S = 120;
const DAY = 86400;

describe('sweepDeadRooms', () => {
  const { lines, sink } = captureLogs();
  // Tokens must outlive the months this test jumps through.
  const ctx = createTestCtx(
    {
      COURSE_DEAD_S: String(COURSE_DEAD_S),
      MEMBER_DEAD_S: String(MEMBER_DEAD_S),
      TOKEN_IDLE_EXPIRE_S: String(10_000 * DAY),
    },
    { log: createLogger('info', sink) },
  );
  let s: LegacyTestServer;
  let tok: Map<string, string>;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    tok = new Map([
      ...(await seedAccounts(ctx, ['teacher1', 'teacher2'], 1)),
      ...(await seedAccounts(
        ctx,
        Array.from({ length: 60 }, (_, i) => `stu${i}`),
        0,
      )),
    ]);
  });
  afterAll(() => s.close());

  const t = (uid: string) => tok.get(uid)!;
  const ok = async (svcCmd: string, body: Record<string, unknown>) => {
    const r = await s.call<{ roomnum: number }>(svcCmd, body);
    expect(r.errorCode, `${svcCmd}: ${r.errorInfo}`).toBe(0);
    return r;
  };
  /** A live course of `teacher` with `students` in it, started now. */
  const liveCourse = async (teacher: string, students: string[]) => {
    const room = await createCourse(s, t(teacher), 'swept');
    await startCourse(s, t(teacher), room);
    for (const uid of students) await ok('live/reportmemid', { token: t(uid), roomnum: room, operate: 0 });
    return room;
  };
  const course = async (roomnum: number) =>
    first(await ctx.db.select().from(courses).where(eq(courses.roomnum, roomnum)).limit(1))!;
  const roomMembers = async (roomnum: number) =>
    await ctx.db.select().from(members).where(eq(members.roomnum, roomnum));
  const events = async (roomnum: number) =>
    await ctx.db.select().from(courseEvents).where(eq(courseEvents.roomnum, roomnum)).orderBy(courseEvents.id);
  const imTypes = async (roomnum: number) =>
    (await groupPayloads(ctx, roomnum)).map(({ seq, data }) => ({ seq, type: data.type as number }));

  it('ends a live course whose teacher was silent longer than COURSE_DEAD_S, as if the teacher had ended it', async () => {
    ctx.clock.set(T0);
    const room = await liveCourse('teacher1', ['stu0', 'stu1']);
    // The students keep beating; only the teacher is silent.
    for (const dt of [100, 200, 290]) {
      ctx.clock.set(T0 + dt);
      for (const uid of ['stu0', 'stu1']) await ok('live/heartbeat', { token: t(uid), roomnum: room });
    }
    ctx.clock.set(T0 + COURSE_DEAD_S - 1);
    expect(await sweepDeadRooms(ctx)).toEqual({ coursesEnded: [], membersTimedOut: 0, membershipsDeleted: 0 });
    expect((await course(room)).state).toBe(1);

    const now = T0 + COURSE_DEAD_S + 1;
    ctx.clock.set(now);
    lines.length = 0;
    expect(await sweepDeadRooms(ctx)).toEqual({ coursesEnded: [room], membersTimedOut: 0, membershipsDeleted: 0 });
    const im = await imTypes(room);
    expect(im.map((m) => m.type)).toEqual([1001, 1003, 1003, 1002]);
    expect(await course(room)).toMatchObject({
      state: 2,
      endTime: now,
      endImseq: im[3]!.seq,
      indexStatus: 'pending',
      indexDueAt: now + ctx.env.REPLAY_INDEX_DELAY_S,
    });
    expect((await roomMembers(room)).map((m) => [m.uid, m.exitedAt]).sort()).toEqual([
      ['stu0', now],
      ['stu1', now],
      ['teacher1', now],
    ]);
    const ev = (await events(room)).map((e) => [e.kind, e.uid, e.at]);
    expect(ev.slice(0, 5)).toEqual([
      ['created', 'teacher1', T0],
      ['started', 'teacher1', T0],
      ['member_enter', 'teacher1', T0],
      ['member_enter', 'stu0', T0],
      ['member_enter', 'stu1', T0],
    ]);
    expect(ev.slice(5, 8)).toEqual(
      expect.arrayContaining([
        ['member_exit', 'teacher1', now],
        ['member_exit', 'stu0', now],
        ['member_exit', 'stu1', now],
      ]),
    );
    expect(ev.slice(8)).toEqual([['ended_by_sweeper', 'teacher1', now]]);
    // The run said what it changed.
    expect(lines.find((l) => l.msg === 'sweep')).toMatchObject({
      coursesEnded: [room],
      membersTimedOut: 0,
      membershipsDeleted: 0,
    });

    // Seen from the protocol: ended, nobody in the room, and the teacher cannot end it again.
    const listed = await s.call<{ rooms: Record<string, unknown>[] }>('live/roomlist', {
      token: t('stu0'),
      index: 0,
      size: 1,
      roomnum: room,
    });
    expect(listed.data!.rooms[0]).toMatchObject({ state: 2, memsize: 0, end_time: now, end_imseq: im[3]!.seq });
    expect((await s.call('live/exitroom', { token: t('teacher1'), roomnum: room })).errorCode).toBe(10102);

    // A second run changes nothing and logs nothing.
    const before = { course: await course(room), events: await events(room), im: await imTypes(room) };
    lines.length = 0;
    ctx.clock.advance(1000);
    expect(await sweepDeadRooms(ctx)).toEqual({ coursesEnded: [], membersTimedOut: 0, membershipsDeleted: 0 });
    expect({ course: await course(room), events: await events(room), im: await imTypes(room) }).toEqual(before);
    expect(lines.filter((l) => l.msg === 'sweep')).toEqual([]);
  });

  it('a teacher who keeps beating keeps the course alive; silent students time out after MEMBER_DEAD_S', async () => {
    const t1 = T0 + 10_000;
    ctx.clock.set(t1);
    const room = await liveCourse('teacher1', ['stu0', 'stu1', 'stu2']);
    // The teacher beats only every 250 s (under COURSE_DEAD_S), stu0 every 60 s, stu1 and stu2 never.
    for (let dt = 60; dt <= 600; dt += 60) {
      ctx.clock.set(t1 + dt);
      await ok('live/heartbeat', { token: t('stu0'), roomnum: String(room) });
      if (dt % 240 === 0) await ok('live/heartbeat', { token: t('teacher1'), roomnum: room });
      if (dt === MEMBER_DEAD_S) {
        // Silent just under MEMBER_DEAD_S: not yet; just over: out.
        ctx.clock.set(t1 + MEMBER_DEAD_S - 1);
        expect((await sweepDeadRooms(ctx)).membersTimedOut).toBe(0);
        ctx.clock.set(t1 + MEMBER_DEAD_S + 1);
        expect(await sweepDeadRooms(ctx)).toEqual({ coursesEnded: [], membersTimedOut: 2, membershipsDeleted: 0 });
        ctx.clock.set(t1 + dt);
      } else {
        expect(await sweepDeadRooms(ctx)).toEqual({ coursesEnded: [], membersTimedOut: 0, membershipsDeleted: 0 });
      }
    }
    expect((await course(room)).state).toBe(1);
    const m = Object.fromEntries((await roomMembers(room)).map((r) => [r.uid, r.exitedAt]));
    expect(m).toEqual({ teacher1: null, stu0: null, stu1: t1 + MEMBER_DEAD_S + 1, stu2: t1 + MEMBER_DEAD_S + 1 });
    const timeouts = (await events(room)).filter((e) => e.kind === 'member_timeout');
    expect(timeouts.map((e) => [e.uid, e.role, e.at, JSON.parse(e.detail)]).sort()).toEqual([
      ['stu1', 0, t1 + MEMBER_DEAD_S + 1, { lastHeartbeat: t1 }],
      ['stu2', 0, t1 + MEMBER_DEAD_S + 1, { lastHeartbeat: t1 }],
    ]);
    // Attendance ends a timed-out stay at the member's last heartbeat, not when the sweeper noticed.
    const att = Object.fromEntries((await courseAttendance(ctx, room)).map((a) => [a.uid, a]));
    expect(att.stu1).toMatchObject({ firstJoin: t1, lastLeave: t1, secondsPresent: 0 });
    expect(att.stu0).toMatchObject({ lastLeave: 0 });
    // A timed-out student can come back.
    await ok('live/reportmemid', { token: t('stu1'), roomnum: room, operate: 0 });
    expect(
      (await s.call<{ total: number }>('live/roomidlist', { token: t('stu1'), roomnum: room, index: 0, size: 10 }))
        .data!.total,
    ).toBe(3);
    await ok('live/exitroom', { token: t('teacher1'), roomnum: room });
  });

  it('deletes memberships of courses ended more than 60 days ago, keeps the course and its event log', async () => {
    const t2 = T0 + 100 * DAY;
    ctx.clock.set(t2);
    // The courses of the tests above ended ~100 days ago: their 3 + 4 memberships go first.
    expect(await sweepDeadRooms(ctx)).toEqual({ coursesEnded: [], membersTimedOut: 0, membershipsDeleted: 7 });
    const old = await liveCourse('teacher2', ['stu10', 'stu11']);
    await ok('live/exitroom', { token: t('teacher2'), roomnum: old });
    ctx.clock.set(t2 + 30 * DAY);
    const recent = await liveCourse('teacher2', ['stu12']);
    await ok('live/exitroom', { token: t('teacher2'), roomnum: recent });
    const oldEvents = await events(old);

    ctx.clock.set(t2 + 60 * DAY - 1);
    expect((await sweepDeadRooms(ctx)).membershipsDeleted).toBe(0);
    expect(await roomMembers(old)).toHaveLength(3);

    ctx.clock.set(t2 + 60 * DAY + 1);
    expect(await sweepDeadRooms(ctx)).toEqual({ coursesEnded: [], membersTimedOut: 0, membershipsDeleted: 3 });
    expect(await roomMembers(old)).toEqual([]);
    expect(await roomMembers(recent)).toHaveLength(2);
    expect((await course(old)).state).toBe(2);
    expect(await events(old)).toEqual(oldEvents);
    expect(await sweepDeadRooms(ctx)).toEqual({ coursesEnded: [], membersTimedOut: 0, membershipsDeleted: 0 });
  });

  // Two instances: on PostgreSQL a second pool; on SQLite the same connection (a second connection in one process
  // would block the event loop in BEGIN IMMEDIATE's busy wait while the first holds its transaction across awaits;
  // processes on one SQLite file are legacy/multi-instance.http.test.ts). The sweeps interleave between their
  // transactions either way, so each change must still be applied once by the conditional claims.
  it('two instances sweeping the same database at once apply each change exactly once', async () => {
    const t3 = T0 + 1000 * DAY;
    ctx.clock.set(t3);
    const dead: number[] = [];
    for (let i = 0; i < 12; i++) dead.push(await liveCourse(i % 2 ? 'teacher1' : 'teacher2', [`stu${20 + i}`]));
    const aliveStudents = Array.from({ length: 25 }, (_, i) => `stu${35 + i}`);
    const alive = await liveCourse('teacher1', aliveStudents);
    ctx.clock.set(t3 + COURSE_DEAD_S - 10);
    await ok('live/heartbeat', { token: t('teacher1'), roomnum: alive });
    ctx.clock.set(t3 + COURSE_DEAD_S + 5);

    const secondDb = testEngine() === 'pg' ? openSecondHandle({ url: ctx.dbUrl }) : ctx.db;
    const other: ServiceCtx = createServiceCtx(
      loadEnv({
        DATABASE_URL: ctx.dbUrl,
        STORAGE_DIR: `${ctx.dir}/storage`,
        COURSE_DEAD_S: String(COURSE_DEAD_S),
        MEMBER_DEAD_S: String(MEMBER_DEAD_S),
      }),
      { db: secondDb, clock: ctx.clock, log: createLogger('silent') },
    );
    try {
      const results = await Promise.all([
        sweepDeadRooms(ctx),
        sweepDeadRooms(other),
        sweepDeadRooms(other),
        sweepDeadRooms(ctx),
      ]);
      const ended = results.flatMap((r) => r.coursesEnded);
      expect([...ended].sort()).toEqual([...dead].sort());
      expect(results.reduce((n, r) => n + r.membersTimedOut, 0)).toBe(aliveStudents.length);
      for (const room of dead) {
        const ev = await events(room);
        expect(
          ev.filter((e) => e.kind === 'ended_by_sweeper'),
          String(room),
        ).toHaveLength(1);
        expect(ev.filter((e) => e.kind === 'member_exit')).toHaveLength(2);
        expect(ev.filter((e) => e.kind === 'member_timeout')).toHaveLength(0);
        expect((await imTypes(room)).filter((m) => m.type === 1002)).toHaveLength(1);
        expect(await course(room)).toMatchObject({ state: 2, endTime: t3 + COURSE_DEAD_S + 5, indexStatus: 'pending' });
        expect((await course(room)).endImseq).toBe((await imTypes(room)).at(-1)!.seq);
      }
      const aliveEvents = await events(alive);
      expect(aliveEvents.filter((e) => e.kind === 'member_timeout')).toHaveLength(aliveStudents.length);
      expect(new Set(aliveEvents.filter((e) => e.kind === 'member_timeout').map((e) => e.uid))).toEqual(
        new Set(aliveStudents),
      );
      expect((await course(alive)).state).toBe(1);
      expect(
        (
          await ctx.db
            .select()
            .from(members)
            .where(and(eq(members.roomnum, alive)))
        )
          .filter((m) => m.exitedAt === null)
          .map((m) => m.uid),
      ).toEqual(['teacher1']);
    } finally {
      if (secondDb !== ctx.db) await closeServiceCtx(other);
    }
  });

  it('with IM down it still ends the course; end_imseq falls back to the last seq the group is known to have', async () => {
    const failing = createFailableImCtx({ COURSE_DEAD_S: String(COURSE_DEAD_S) });
    await withLegacyServer(failing, async (srv) => {
      const toks = new Map([
        ...(await seedAccounts(failing, ['teacherX'], 1)),
        ...(await seedAccounts(failing, ['stuX'], 0)),
      ]);
      const room = await createCourse(srv, toks.get('teacherX')!, 'x');
      await startCourse(srv, toks.get('teacherX')!, room);
      expect(
        (await srv.call('live/reportmemid', { token: toks.get('stuX'), roomnum: room, operate: 0 })).errorCode,
      ).toBe(0);
      failing.im.failing = true;
      failing.clock.advance(COURSE_DEAD_S + 1);
      const attempts = failing.im.attempts;
      expect((await sweepDeadRooms(failing)).coursesEnded).toEqual([room]);
      expect(failing.im.attempts).toBe(attempts + 1);
      const c = first(await failing.db.select().from(courses).where(eq(courses.roomnum, room)).limit(1))!;
      expect(c).toMatchObject({
        state: 2,
        endTime: failing.clock.nowS(),
        beginImseq: 1,
        endImseq: 2,
        indexStatus: 'pending',
      });
      expect(await sweepDeadRooms(failing)).toEqual({ coursesEnded: [], membersTimedOut: 0, membershipsDeleted: 0 });
      expect(failing.im.attempts).toBe(attempts + 1);
    });
  });
});
