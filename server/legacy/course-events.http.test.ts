/**
 * The course event log as a class produces it over real HTTP: the exact ordered events of a lifecycle (with time,
 * user, role, detail), nothing logged for refused requests or plain heartbeats, and the attendance computed from it
 * by services/course-events (first join, last leave, seconds present, sessions).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courseAttendance, listCourseEvents } from '../services/course-events';
import { createCourse, signUp } from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { createTestCtx, T0 } from '../testing/test-ctx';

describe('course event log over HTTP', () => {
  const ctx = createTestCtx();
  let s: LegacyTestServer;
  let teacher: string;
  let stu1: string;
  let stu2: string;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    teacher = await signUp(s, 'teacher1', 1);
    stu1 = await signUp(s, 'stu1', 0);
    stu2 = await signUp(s, 'stu2', 0);
  });
  afterAll(() => s.close());

  const at = async (dt: number, svcCmd: string, body: Record<string, unknown>, expectCode = 0) => {
    ctx.clock.set(T0 + dt);
    const r = await s.call(svcCmd, body);
    expect(r.errorCode, `${svcCmd} @${dt}: ${r.errorInfo}`).toBe(expectCode);
    return r;
  };

  it('logs a whole class in order, and attendance follows from it', async () => {
    const file = { type: 0, file_name: 'slides.pdf', url: 'http://cdn/slides.pdf' };
    const room = ((await at(0, 'live/create', { token: teacher, title: 'events' })).data as { roomnum: number })
      .roomnum;
    await at(5, 'live/reportmemid', { token: stu1, roomnum: room, operate: 0 }, 10102); // not started: refused, not logged
    await at(10, 'live/startcourse', { token: teacher, roomnum: room });
    await at(20, 'live/reportmemid', { token: stu1, roomnum: room, operate: 0 });
    await at(30, 'live/reportmemid', { token: stu2, roomnum: String(room), operate: 0 });
    await at(35, 'live/heartbeat', { token: stu2, roomnum: room }); // heartbeats are not events
    await at(40, 'live/reportmemid', { token: stu1, roomnum: room, operate: 0 }); // already in: no new event
    await at(50, 'live/reportbind', { token: teacher, roomnum: room, operate: 0, bind_file: file });
    await at(60, 'live/reportmemid', { token: stu1, roomnum: room, operate: 1 });
    await at(65, 'live/reportmemid', { token: stu1, roomnum: room, operate: 1 }); // repeated exit: no new event
    await at(70, 'live/reportmemid', { token: stu1, roomnum: room, operate: 0 });
    await at(80, 'live/reportmemid', { token: stu2, roomnum: room, operate: 1 });
    await at(90, 'live/reportbind', { token: teacher, roomnum: room, operate: 1, bind_file: file });
    await at(100, 'live/exitroom', { token: teacher, roomnum: room });
    await at(110, 'live/exitroom', { token: teacher, roomnum: room }, 10102);

    const events = await listCourseEvents(ctx, room);
    // Append-only: ids strictly increase and time never goes back.
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.id).toBeGreaterThan(events[i - 1]!.id);
      expect(events[i]!.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
    }
    const rows = events.map((e) => ({
      at: e.at - T0,
      kind: e.kind,
      uid: e.uid,
      role: e.role,
      detail: e.detail ? (JSON.parse(e.detail) as unknown) : '',
    }));
    expect(rows.slice(0, 10)).toEqual([
      { at: 0, kind: 'created', uid: 'teacher1', role: 1, detail: '' },
      { at: 10, kind: 'started', uid: 'teacher1', role: 1, detail: '' },
      { at: 10, kind: 'member_enter', uid: 'teacher1', role: 1, detail: '' },
      { at: 20, kind: 'member_enter', uid: 'stu1', role: 0, detail: '' },
      { at: 30, kind: 'member_enter', uid: 'stu2', role: 0, detail: '' },
      { at: 50, kind: 'file_bound', uid: 'teacher1', role: 1, detail: file },
      { at: 60, kind: 'member_exit', uid: 'stu1', role: 0, detail: '' },
      { at: 70, kind: 'member_enter', uid: 'stu1', role: 0, detail: '' },
      { at: 80, kind: 'member_exit', uid: 'stu2', role: 0, detail: '' },
      { at: 90, kind: 'file_unbound', uid: 'teacher1', role: 1, detail: file },
    ]);
    // Ending exits everyone still in (in no particular order), then logs the end itself.
    expect(rows.slice(10, 12)).toEqual(
      expect.arrayContaining([
        { at: 100, kind: 'member_exit', uid: 'teacher1', role: 1, detail: '' },
        { at: 100, kind: 'member_exit', uid: 'stu1', role: 0, detail: '' },
      ]),
    );
    expect(rows.slice(12)).toEqual([{ at: 100, kind: 'ended', uid: 'teacher1', role: 1, detail: '' }]);

    ctx.clock.set(T0 + 5000);
    expect(await courseAttendance(ctx, room)).toEqual([
      { uid: 'teacher1', role: 1, firstJoin: T0 + 10, lastLeave: T0 + 100, secondsPresent: 90, sessions: 1 },
      { uid: 'stu1', role: 0, firstJoin: T0 + 20, lastLeave: T0 + 100, secondsPresent: 40 + 30, sessions: 2 },
      { uid: 'stu2', role: 0, firstJoin: T0 + 30, lastLeave: T0 + 80, secondsPresent: 50, sessions: 1 },
    ]);
  });

  it('attendance of a live course counts open stays up to now (lastLeave 0 while in the room)', async () => {
    ctx.clock.set(T0 + 10_000);
    const room = await createCourse(s, teacher, 'live');
    await at(10_010, 'live/startcourse', { token: teacher, roomnum: room });
    await at(10_020, 'live/reportmemid', { token: stu1, roomnum: room, operate: 0 });
    ctx.clock.set(T0 + 10_100);
    expect(await courseAttendance(ctx, room)).toEqual([
      { uid: 'teacher1', role: 1, firstJoin: T0 + 10_010, lastLeave: 0, secondsPresent: 90, sessions: 1 },
      { uid: 'stu1', role: 0, firstJoin: T0 + 10_020, lastLeave: 0, secondsPresent: 80, sessions: 1 },
    ]);
    expect(await courseAttendance(ctx, 99999)).toEqual([]);
  });
});
