/**
 * The append-only course event log, and attendance computed from it. Rows are inserted, never updated: Tencent keeps
 * room events for an hour at most, so this log is the record attendance reports and playback timelines are built from.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { courseEvents, type CourseEvent } from '../../db/schema';
import type { ServiceCtx } from '../context';

export type CourseEventKind = CourseEvent['kind'];

/** Appends events inside the caller's transaction. */
export async function appendEvents(
  tx: Tx,
  events: { roomnum: number; at: number; kind: CourseEventKind; uid?: string; role?: number; detail?: unknown }[],
): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(courseEvents).values(
    events.map((e) => ({
      roomnum: e.roomnum,
      at: e.at,
      kind: e.kind,
      uid: e.uid ?? '',
      role: e.role ?? 0,
      detail: e.detail === undefined ? '' : JSON.stringify(e.detail),
    })),
  );
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

/** An event's JSON detail as an object ({} when absent, broken or not an object). */
export function eventDetail(e: Pick<CourseEvent, 'detail'>): Record<string, unknown> {
  if (!e.detail) return {};
  try {
    const d: unknown = JSON.parse(e.detail);
    return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * When a leave event's member really left. A timeout is logged when the sweeper notices it; the member left at
 * their last heartbeat (kept in the event's detail), unless that is missing or implausible.
 */
export function memberLeftAt(e: CourseEvent): number {
  if (e.kind !== 'member_timeout') return e.at;
  const hb = eventDetail(e).lastHeartbeat;
  return typeof hb === 'number' && hb <= e.at ? hb : e.at;
}

/** One member's stays in the room, in order; `leave` null while the last stay is open. */
export interface MemberStays {
  uid: string;
  role: number;
  sessions: { join: number; leave: number | null }[];
}

const LEAVE_KINDS = new Set<CourseEventKind>(['member_exit', 'member_timeout']);

/**
 * Pure: pairs enters with leaves per member, in order of first join, each with the role it entered with. The one
 * place this pairing rule lives: attendance and the playback index are both folded from it. A repeated enter while
 * in the room, or a leave while out, changes nothing; a leave never ends before its enter.
 */
export function memberStays(events: CourseEvent[]): MemberStays[] {
  const byUid = new Map<string, MemberStays>();
  for (const e of events) {
    if (e.kind === 'member_enter') {
      let m = byUid.get(e.uid);
      if (!m) byUid.set(e.uid, (m = { uid: e.uid, role: e.role, sessions: [] }));
      const last = m.sessions.at(-1);
      if (!last || last.leave !== null) m.sessions.push({ join: e.at, leave: null });
    } else if (LEAVE_KINDS.has(e.kind)) {
      const last = byUid.get(e.uid)?.sessions.at(-1);
      if (last && last.leave === null) last.leave = Math.max(last.join, memberLeftAt(e));
    }
  }
  return Array.from(byUid, ([, m]) => m);
}

/** Pure: attendance from an ordered event list, one row per member, in order of first join. */
export function attendanceFromEvents(events: CourseEvent[], now: number): AttendanceRow[] {
  return memberStays(events).map(({ uid, role, sessions }) => {
    const last = sessions.at(-1)!;
    const seconds = sessions.reduce((sum, st) => sum + Math.max(0, (st.leave ?? now) - st.join), 0);
    return {
      uid,
      role,
      firstJoin: sessions[0]!.join,
      // Still in the room (consumers read 0 as "still in"), even after an earlier leave.
      lastLeave: last.leave ?? 0,
      secondsPresent: seconds,
      sessions: sessions.length,
    };
  });
}

/** Attendance of one course from its event log. Callers: console playback review, CSV export. */
export async function courseAttendance(ctx: ServiceCtx, roomnum: number): Promise<AttendanceRow[]> {
  return attendanceFromEvents(await listCourseEvents(ctx, roomnum), ctx.clock.nowS());
}

/**
 * Why a course ended: its teacher ended it, or the sweeper did after the teacher's silence (`silentS`: from the
 * teacher's last heartbeat to the end, when the event recorded it). Null while the course has not ended.
 */
export type CourseEnding =
  { reason: 'teacher'; at: number } | { reason: 'timeout'; at: number; silentS: number | null };

/** Pure: the ending an end event describes (`ended` or `ended_by_sweeper`); null for any other event. */
export function endingOf(e: Pick<CourseEvent, 'kind' | 'at' | 'detail'>): CourseEnding | null {
  if (e.kind === 'ended') return { reason: 'teacher', at: e.at };
  if (e.kind !== 'ended_by_sweeper') return null;
  const hb = eventDetail(e).lastHeartbeat;
  return { reason: 'timeout', at: e.at, silentS: typeof hb === 'number' && hb <= e.at ? e.at - hb : null };
}

/** The course's ending from its log (the newest end event), or null. One indexed lookup. */
export async function courseEnding(ctx: ServiceCtx, roomnum: number): Promise<CourseEnding | null> {
  const [e] = await ctx.db
    .select({ kind: courseEvents.kind, at: courseEvents.at, detail: courseEvents.detail })
    .from(courseEvents)
    .where(and(eq(courseEvents.roomnum, roomnum), inArray(courseEvents.kind, ['ended', 'ended_by_sweeper'])))
    .orderBy(desc(courseEvents.id))
    .limit(1);
  return e ? endingOf(e) : null;
}

export interface MemberMove {
  id: number;
  kind: 'join' | 'leave' | 'timeout';
  /** When it happened; a timeout is dated at the member's last heartbeat (memberLeftAt). */
  at: number;
  uid: string;
  role: number;
}

/** The newest comings and goings of a course, newest first (the live roster's feed). */
export async function memberMoves(ctx: ServiceCtx, roomnum: number, limit: number): Promise<MemberMove[]> {
  const rows = await ctx.db
    .select()
    .from(courseEvents)
    .where(
      and(
        eq(courseEvents.roomnum, roomnum),
        inArray(courseEvents.kind, ['member_enter', 'member_exit', 'member_timeout']),
      ),
    )
    .orderBy(desc(courseEvents.id))
    .limit(limit);
  return rows.map((e) => ({
    id: e.id,
    kind: e.kind === 'member_enter' ? 'join' : e.kind === 'member_exit' ? 'leave' : 'timeout',
    at: memberLeftAt(e),
    uid: e.uid,
    role: e.role,
  }));
}
