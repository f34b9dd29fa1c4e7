/**
 * attendanceFromEvents, the pure fold from a course's event log to attendance: edge cases that are awkward to produce
 * over HTTP (events out of the usual pattern, timeouts with and without a usable last heartbeat, open stays).
 */
import { describe, expect, it } from 'vitest';
import type { CourseEvent } from '../../db/schema';
import { attendanceFromEvents, memberStays, type CourseEventKind } from './course-events';

let nextId = 1;
function ev(
  kind: CourseEventKind,
  uid: string,
  at: number,
  opts: { role?: number; detail?: unknown } = {},
): CourseEvent {
  return {
    id: nextId++,
    roomnum: 10001,
    at,
    kind,
    uid,
    role: opts.role ?? 0,
    detail:
      opts.detail === undefined ? '' : typeof opts.detail === 'string' ? opts.detail : JSON.stringify(opts.detail),
  };
}

describe('attendanceFromEvents', () => {
  it('no events, or only course events → nobody', () => {
    expect(attendanceFromEvents([], 100)).toEqual([]);
    expect(
      attendanceFromEvents(
        [ev('created', 't', 0, { role: 1 }), ev('started', 't', 1, { role: 1 }), ev('ended', 't', 9, { role: 1 })],
        100,
      ),
    ).toEqual([]);
  });

  it('one closed stay', () => {
    expect(attendanceFromEvents([ev('member_enter', 'a', 10), ev('member_exit', 'a', 70)], 1000)).toEqual([
      { uid: 'a', role: 0, firstJoin: 10, lastLeave: 70, secondsPresent: 60, sessions: 1 },
    ]);
  });

  it('several stays add up; first join is the first enter, last leave the last exit', () => {
    const events = [
      ev('member_enter', 'a', 10),
      ev('member_exit', 'a', 20),
      ev('member_enter', 'a', 50),
      ev('member_exit', 'a', 80),
    ];
    expect(attendanceFromEvents(events, 1000)).toEqual([
      { uid: 'a', role: 0, firstJoin: 10, lastLeave: 80, secondsPresent: 40, sessions: 2 },
    ]);
  });

  it('an open stay counts up to now and leaves lastLeave at 0 (a previous leave is not "last" while back in the room)', () => {
    const events = [ev('member_enter', 'a', 10), ev('member_exit', 'a', 20), ev('member_enter', 'a', 50)];
    expect(attendanceFromEvents(events, 90)).toEqual([
      { uid: 'a', role: 0, firstJoin: 10, lastLeave: 0, secondsPresent: 10 + 40, sessions: 2 },
    ]);
  });

  it('a repeated enter while inside does not restart the stay or count a session', () => {
    const events = [ev('member_enter', 'a', 10), ev('member_enter', 'a', 30), ev('member_exit', 'a', 40)];
    expect(attendanceFromEvents(events, 100)).toEqual([
      { uid: 'a', role: 0, firstJoin: 10, lastLeave: 40, secondsPresent: 30, sessions: 1 },
    ]);
  });

  it('a leave without a matching enter (or a second leave) is ignored', () => {
    const events = [
      ev('member_exit', 'ghost', 5),
      ev('member_enter', 'a', 10),
      ev('member_exit', 'a', 20),
      ev('member_exit', 'a', 90),
    ];
    expect(attendanceFromEvents(events, 100)).toEqual([
      { uid: 'a', role: 0, firstJoin: 10, lastLeave: 20, secondsPresent: 10, sessions: 1 },
    ]);
  });

  it('a timeout ends the stay at the member’s last heartbeat, not when the sweeper noticed', () => {
    const events = [ev('member_enter', 'a', 10), ev('member_timeout', 'a', 200, { detail: { lastHeartbeat: 70 } })];
    expect(attendanceFromEvents(events, 1000)).toEqual([
      { uid: 'a', role: 0, firstJoin: 10, lastLeave: 70, secondsPresent: 60, sessions: 1 },
    ]);
  });

  it.each([
    ['no detail', undefined],
    ['broken JSON', '{not json'],
    ['lastHeartbeat not a number', { lastHeartbeat: '70' }],
    ['lastHeartbeat after the event', { lastHeartbeat: 500 }],
    ['a JSON null', 'null'],
  ])('a timeout with %s falls back to the event time', (_name, detail) => {
    const events = [ev('member_enter', 'a', 10), ev('member_timeout', 'a', 200, { detail })];
    expect(attendanceFromEvents(events, 1000)).toEqual([
      { uid: 'a', role: 0, firstJoin: 10, lastLeave: 200, secondsPresent: 190, sessions: 1 },
    ]);
  });

  it('a last heartbeat before the enter gives 0 seconds, never negative', () => {
    const events = [ev('member_enter', 'a', 100), ev('member_timeout', 'a', 300, { detail: { lastHeartbeat: 50 } })];
    expect(attendanceFromEvents(events, 1000)[0]!.secondsPresent).toBe(0);
  });

  it('an open stay with now before the enter (clock skew) counts 0, never negative', () => {
    expect(attendanceFromEvents([ev('member_enter', 'a', 100)], 50)[0]!.secondsPresent).toBe(0);
  });

  it('rows come in order of first join, each with the role it entered with; other event kinds are ignored', () => {
    const events = [
      ev('member_enter', 't', 1, { role: 1 }),
      ev('member_enter', 'b', 5),
      ev('file_bound', 't', 6, { role: 1, detail: { url: 'u' } }),
      ev('member_enter', 'a', 7),
      ev('recording', 't', 8, { role: 1 }),
      ev('member_exit', 'b', 9),
      ev('member_exit', 'a', 10),
      ev('member_exit', 't', 11, { role: 1 }),
      ev('ended', 't', 11, { role: 1 }),
    ];
    expect(attendanceFromEvents(events, 100).map((r) => [r.uid, r.role, r.secondsPresent])).toEqual([
      ['t', 1, 10],
      ['b', 0, 4],
      ['a', 0, 3],
    ]);
  });
});

describe('memberStays (the one pairing rule behind attendance and the playback index)', () => {
  it('pairs enters and leaves per member, a timeout ending at the last heartbeat, an open stay left null', () => {
    const events = [
      ev('member_enter', 't', 0, { role: 1 }),
      ev('member_enter', 'a', 10),
      ev('member_enter', 'a', 15), // repeated enter while in: no new stay
      ev('member_timeout', 'a', 300, { detail: { lastHeartbeat: 120 } }),
      ev('member_exit', 'a', 310), // leave while out: ignored
      ev('member_enter', 'a', 400),
    ];
    expect(memberStays(events)).toEqual([
      { uid: 't', role: 1, sessions: [{ join: 0, leave: null }] },
      {
        uid: 'a',
        role: 0,
        sessions: [
          { join: 10, leave: 120 },
          { join: 400, leave: null },
        ],
      },
    ]);
    // Attendance is folded from the same stays.
    expect(attendanceFromEvents(events, 500)).toEqual([
      { uid: 't', role: 1, firstJoin: 0, lastLeave: 0, secondsPresent: 500, sessions: 1 },
      { uid: 'a', role: 0, firstJoin: 10, lastLeave: 0, secondsPresent: 110 + 100, sessions: 2 },
    ]);
  });
});
