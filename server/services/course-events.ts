/**
 * The append-only course event log, and attendance computed from it. Rows are inserted, never updated: Tencent keeps
 * room events for an hour at most, so this log is the record attendance reports and playback timelines are built from.
 */
import { asc, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { courseEvents, type CourseEvent } from '../../db/schema';
import type { ServiceCtx } from '../context';

export type CourseEventKind = CourseEvent['kind'];

/** Appends events inside the caller's transaction. */
export function appendEvents(
  tx: Tx,
  events: { roomnum: number; at: number; kind: CourseEventKind; uid?: string; role?: number; detail?: unknown }[],
): void {
  if (events.length === 0) return;
  tx.insert(courseEvents)
    .values(
      events.map((e) => ({
        roomnum: e.roomnum,
        at: e.at,
        kind: e.kind,
        uid: e.uid ?? '',
        role: e.role ?? 0,
        detail: e.detail === undefined ? '' : JSON.stringify(e.detail),
      })),
    )
    .run();
}

export async function listCourseEvents(ctx: ServiceCtx, roomnum: number): Promise<CourseEvent[]> {
  return ctx.db.select().from(courseEvents).where(eq(courseEvents.roomnum, roomnum)).orderBy(asc(courseEvents.id));
}

export interface AttendanceRow {
  uid: string;
  role: number;
  firstJoin: number;
  /** 0 while the member is still in the room. */
  lastLeave: number;
  /** Seconds present, summed over every enter→leave interval (an open interval counts up to `now`). */
  secondsPresent: number;
  sessions: number;
}

const LEAVE_KINDS = new Set<CourseEventKind>(['member_exit', 'member_timeout']);

/** A timeout is logged when the sweeper notices it; the member really left at their last heartbeat. */
function leaveTime(e: CourseEvent): number {
  if (e.kind !== 'member_timeout' || !e.detail) return e.at;
  try {
    const hb = (JSON.parse(e.detail) as { lastHeartbeat?: unknown }).lastHeartbeat;
    return typeof hb === 'number' && hb <= e.at ? hb : e.at;
  } catch {
    return e.at;
  }
}

/** Pure: folds an ordered event list into attendance, one row per member, in order of first join. */
export function attendanceFromEvents(events: CourseEvent[], now: number): AttendanceRow[] {
  const rows = new Map<string, AttendanceRow & { openSince: number | null }>();
  for (const e of events) {
    if (e.kind === 'member_enter') {
      let r = rows.get(e.uid);
      if (!r) {
        r = { uid: e.uid, role: e.role, firstJoin: e.at, lastLeave: 0, secondsPresent: 0, sessions: 0, openSince: null };
        rows.set(e.uid, r);
      }
      if (r.openSince === null) {
        r.openSince = e.at;
        r.sessions += 1;
      }
    } else if (LEAVE_KINDS.has(e.kind)) {
      const r = rows.get(e.uid);
      if (r && r.openSince !== null) {
        const leftAt = leaveTime(e);
        r.secondsPresent += Math.max(0, leftAt - r.openSince);
        r.lastLeave = leftAt;
        r.openSince = null;
      }
    }
  }
  return [...rows.values()].map(({ openSince, ...r }) => ({
    ...r,
    // Back in the room after an earlier leave: that leave is not the last one (consumers read 0 as "still in").
    lastLeave: openSince === null ? r.lastLeave : 0,
    secondsPresent: r.secondsPresent + (openSince === null ? 0 : Math.max(0, now - openSince)),
  }));
}

/** Attendance of one course from its event log. Callers: console playback review, CSV export. */
export async function courseAttendance(ctx: ServiceCtx, roomnum: number): Promise<AttendanceRow[]> {
  return attendanceFromEvents(await listCourseEvents(ctx, roomnum), ctx.clock.nowS());
}
