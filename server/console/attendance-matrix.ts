/**
 * Attendance across a teacher's courses: students (class list ∪ anyone who entered one of the courses) × the
 * teacher's started courses in a date range, one status per cell. Stays come from memberStays (course-events.ts), the
 * one enter/leave pairing; this file only classifies them. Callers: tRPC classList router, matrix CSV route.
 *
 * Status rules (GRACE_S = 5 min): absent = never entered; late = first entered more than GRACE_S after the course
 * began (exactly GRACE_S is on time); left early = the last stay ended more than GRACE_S before the course ended (an
 * ended course only; coming back later is not leaving); otherwise present. Late wins over left early.
 */
import { and, asc, between, desc, eq, gt, inArray } from 'drizzle-orm';
import { courseEvents, courses } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { listClassStudents } from './class-list';
import { memberStays, type MemberStays } from '../services/course-events';
import { isTeacher } from '../services/course-state';
import type { Teacher } from '../services/course-access';

export const GRACE_S = 5 * 60;
/** The longest range a matrix covers, and the most courses it shows (the most recent ones). */
const MATRIX_MAX_RANGE_S = 366 * 86_400;
const MATRIX_MAX_COURSES = 200;
const DEFAULT_RANGE_S = 30 * 86_400;

export type AttendanceStatus = 'present' | 'late' | 'left_early' | 'absent';

interface MatrixCourse {
  roomnum: number;
  title: string;
  state: number;
  beginTime: number;
  /** 0 while live. */
  endTime: number;
}

interface MatrixCell {
  status: AttendanceStatus;
  secondsPresent: number;
}

interface MatrixRow {
  uid: string;
  /** On the class list (else only seen in a course). */
  listed: boolean;
  /** One cell per course, in the order of `courses`. */
  cells: MatrixCell[];
}

export interface AttendanceMatrix {
  from: number;
  to: number;
  /** The request had from > to; the bounds were swapped. */
  swapped: boolean;
  /** More courses began in the range than the matrix shows. */
  truncated: boolean;
  courses: MatrixCourse[];
  rows: MatrixRow[];
}

/** Pure: one member's status in one course (stays undefined = never entered). */
function cellFor(course: MatrixCourse, stays: MemberStays | undefined, now: number): MatrixCell {
  const sessions = stays?.sessions ?? [];
  if (sessions.length === 0) return { status: 'absent', secondsPresent: 0 };
  const end = course.endTime > 0 ? course.endTime : now;
  const secondsPresent = sessions.reduce((s, st) => s + Math.max(0, Math.min(st.leave ?? end, end) - st.join), 0);
  const last = sessions.at(-1)!;
  let status: AttendanceStatus = 'present';
  if (sessions[0]!.join > course.beginTime + GRACE_S) status = 'late';
  else if (course.endTime > 0 && last.leave !== null && last.leave < course.endTime - GRACE_S) status = 'left_early';
  return { status, secondsPresent };
}

/** The range to use: defaults to the last 30 days, swapped when reversed, clamped to MATRIX_MAX_RANGE_S back from `to`. */
function normalizeRange(now: number, from?: number, to?: number): { from: number; to: number; swapped: boolean } {
  let f = from ?? (to ?? now) - DEFAULT_RANGE_S;
  let t = to ?? now;
  const swapped = f > t;
  if (swapped) [f, t] = [t, f];
  return { from: Math.max(f, t - MATRIX_MAX_RANGE_S), to: t, swapped };
}

/** The matrix for the caller's own courses. Throws NO_PRIVILEGE when the caller is not a teacher. */
export async function attendanceMatrix(
  ctx: ServiceCtx,
  caller: Teacher,
  range: { from?: number; to?: number },
): Promise<AttendanceMatrix> {
  const now = ctx.clock.nowS();
  const { from, to, swapped } = normalizeRange(now, range.from, range.to);
  const found = await ctx.db
    .select({
      roomnum: courses.roomnum,
      title: courses.title,
      state: courses.state,
      beginTime: courses.beginTime,
      endTime: courses.endTime,
    })
    .from(courses)
    .where(and(eq(courses.hostUid, caller.uid), gt(courses.beginTime, 0), between(courses.beginTime, from, to)))
    .orderBy(desc(courses.beginTime), desc(courses.roomnum))
    .limit(MATRIX_MAX_COURSES + 1);
  const truncated = found.length > MATRIX_MAX_COURSES;
  const list = found.slice(0, MATRIX_MAX_COURSES).reverse(); // oldest first, left to right

  const events = list.length
    ? await ctx.db
        .select()
        .from(courseEvents)
        .where(
          and(
            inArray(
              courseEvents.roomnum,
              list.map((c) => c.roomnum),
            ),
            inArray(courseEvents.kind, ['member_enter', 'member_exit', 'member_timeout']),
          ),
        )
        .orderBy(asc(courseEvents.id))
    : [];
  const byRoom = new Map<number, typeof events>();
  for (const e of events) {
    let l = byRoom.get(e.roomnum);
    if (!l) byRoom.set(e.roomnum, (l = []));
    l.push(e);
  }
  const stays = list.map((c) => new Map(memberStays(byRoom.get(c.roomnum) ?? []).map((m) => [m.uid, m])));

  const listed = new Set((await listClassStudents(ctx, caller)).map((s) => s.uid));
  const uids = new Set(listed);
  // Anyone who entered as a student; the teacher's own stays (role 1) are not attendance.
  for (const m of stays) for (const [, s] of m) if (!isTeacher(s) && s.uid !== caller.uid) uids.add(s.uid);

  const rows = [...uids].sort().map((uid) => ({
    uid,
    listed: listed.has(uid),
    cells: list.map((c, i) => cellFor(c, stays[i]!.get(uid), now)),
  }));
  return { from, to, swapped, truncated, courses: list, rows };
}

export interface StudentHistoryItem extends MatrixCourse, MatrixCell {}

/**
 * One student's history across the caller's courses in the range, most recent first. A student neither on the list
 * nor seen in any of these courses answers NOT_FOUND (nothing about other teachers' students is visible).
 */
export async function studentHistory(
  ctx: ServiceCtx,
  caller: Teacher,
  uid: string,
  range: { from?: number; to?: number },
): Promise<{ uid: string; listed: boolean; from: number; to: number; swapped: boolean; items: StudentHistoryItem[] }> {
  const m = await attendanceMatrix(ctx, caller, range);
  const row = m.rows.find((r) => r.uid === uid);
  if (!row) throw new AppError('NOT_FOUND', 'not on your class list and never in your courses');
  const items = m.courses.map((c, i) => ({ ...c, ...row.cells[i]! })).reverse();
  return { uid, listed: row.listed, from: m.from, to: m.to, swapped: m.swapped, items };
}
