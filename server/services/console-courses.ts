/**
 * The console's view of a teacher's courses: the filtered and paged list with counts per state, and the calendar. Who
 * may open one course is course-access.ts; course rules themselves (what each state allows) stay in courses.ts; this
 * file only adds what the console needs around them. Caller: tRPC course router.
 */
import { and, asc, eq, gte, inArray, isNotNull, lt, or } from 'drizzle-orm';
import { courses } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import {
  countCoursesByState,
  listCourses,
  type CourseListItem,
  type CourseSort,
  type StateCounts,
} from './course-list';
import { playbackStatus, recordingCounts, recordingWaitOf, type PlaybackStatus } from './playback-status';
import { COURSE_STATE, hasEnded, hasStarted, STARTED_STATES } from './course-state';
import type { Teacher } from './course-access';

export interface TeacherCourseQuery {
  page: number;
  pageSize: number;
  state?: number;
  q?: string;
  /** Inclusive bounds on the course's list time (creation, or start once started), unix seconds. */
  from?: number;
  to?: number;
  sort?: CourseSort;
}

/** One page of the caller's courses, newest first, plus the total and counts per state under the same search/dates. */
export async function listTeacherCourses(
  ctx: ServiceCtx,
  caller: Teacher,
  query: TeacherCourseQuery,
): Promise<{ total: number; items: (CourseListItem & { playback: PlaybackStatus | null })[]; counts: StateCounts }> {
  const q = query.q?.trim() || undefined;
  // The "ended" and "replay ready" tabs follow the playback rule, not the raw state (a course indexed without any
  // recording has state 3 but is "ended, no recording").
  const ended = query.state === COURSE_STATE.ENDED || query.state === COURSE_STATE.PLAYBACK;
  const { total, rooms } = await listCourses(ctx, {
    index: (query.page - 1) * query.pageSize,
    size: query.pageSize,
    hostUid: caller.uid,
    state: ended ? undefined : query.state,
    playbackReady: ended ? query.state === COURSE_STATE.PLAYBACK : undefined,
    titleLike: q,
    fromTime: query.from,
    toTime: query.to,
    sort: query.sort,
  });
  const counts = await countCoursesByState(ctx, {
    hostUid: caller.uid,
    titleLike: q,
    fromTime: query.from,
    toTime: query.to,
  });
  const recs = await recordingCounts(
    ctx,
    rooms.filter(hasEnded).map((c) => c.roomnum),
  );
  const wait = recordingWaitOf(ctx);
  return {
    total,
    items: rooms.map((c) => ({ ...c, playback: playbackStatus(c, recs.get(c.roomnum) ?? 0, wait) })),
    counts,
  };
}

export interface CalendarEntry {
  roomnum: number;
  title: string;
  state: number;
  /** Where the calendar places it: begin_time once started, else the planned start. */
  at: number;
  /** Planned length for drafts; actual length (so far) for started courses; null when unknown. */
  minutes: number | null;
}

/** The widest calendar window one request may ask for (a week view asks for 7 days). */
export const CALENDAR_MAX_SPAN_S = 42 * 86400;

/**
 * The caller's courses placed in [from, to): drafts by planned start, started/ended ones by begin_time, soonest
 * first. Throws BAD_INPUT (window empty or wider than CALENDAR_MAX_SPAN_S), NO_PRIVILEGE. Caller: tRPC course.calendar.
 */
export async function teacherCalendar(
  ctx: ServiceCtx,
  caller: Teacher,
  input: { from: number; to: number },
): Promise<CalendarEntry[]> {
  if (input.to <= input.from || input.to - input.from > CALENDAR_MAX_SPAN_S)
    throw new AppError('BAD_INPUT', 'to: must be after from, within 42 days');
  const mine = and(eq(courses.appid, ctx.env.SDKAPPID), eq(courses.hostUid, caller.uid));
  const rows = await ctx.db
    .select({
      roomnum: courses.roomnum,
      title: courses.title,
      state: courses.state,
      beginTime: courses.beginTime,
      endTime: courses.endTime,
      plannedStart: courses.plannedStart,
      plannedMinutes: courses.plannedMinutes,
    })
    .from(courses)
    .where(
      and(
        mine,
        or(
          and(
            eq(courses.state, COURSE_STATE.CREATED),
            isNotNull(courses.plannedStart),
            gte(courses.plannedStart, input.from),
            lt(courses.plannedStart, input.to),
          ),
          and(
            inArray(courses.state, STARTED_STATES),
            gte(courses.beginTime, input.from),
            lt(courses.beginTime, input.to),
          ),
        ),
      ),
    )
    .orderBy(asc(courses.roomnum));
  const now = ctx.clock.nowS();
  return rows
    .map((r) => {
      const started = hasStarted(r);
      const end = r.endTime > 0 ? r.endTime : now;
      return {
        roomnum: r.roomnum,
        title: r.title,
        state: r.state,
        at: started ? r.beginTime : r.plannedStart!,
        minutes: started ? Math.max(0, Math.round((end - r.beginTime) / 60)) : r.plannedMinutes,
      };
    })
    .sort((a, b) => a.at - b.at || a.roomnum - b.roomnum);
}
