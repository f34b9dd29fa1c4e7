/**
 * The console home: a teacher's courses live now, upcoming drafts, recently ready playbacks, and per-day teaching
 * minutes and student attendance over the last 30 days. Read-only. Caller: tRPC dashboard router.
 */
import { and, asc, countDistinct, desc, eq, gte, inArray, isNotNull, not, sql } from 'drizzle-orm';
import { courseEvents, courses } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { memsizeColumn } from '../services/course-list';
import {
  playbackReadyWhere,
  playbackStatus,
  recordingCounts,
  recordingWaitOf,
  type PlaybackStatus,
} from '../services/playback-status';
import { COURSE_STATE, ROLE, STARTED_STATES } from '../services/course-state';
import type { Teacher } from '../services/course-access';

const DASHBOARD_DAYS = 30;
const LIST_LIMIT = 5;
const DAY_S = 86400;

export interface DayStat {
  /** Local calendar day, `YYYY-MM-DD`. */
  day: string;
  teachingMinutes: number;
  /** Students who attended a course started that day (each course counts each student once). */
  attendance: number;
}

export interface DashboardCourse {
  roomnum: number;
  title: string;
  state: number;
  createdAt: number;
  beginTime: number;
  endTime: number;
  memsize: number;
  /** playback-status.ts: null until the course ended. */
  playback: PlaybackStatus | null;
  plannedStart: number | null;
  plannedMinutes: number | null;
}

/** `YYYY-MM-DD` of a unix time in a timezone given as minutes east of UTC. */
export function localDay(t: number, eastMin: number): string {
  return new Date((t + eastMin * 60) * 1000).toISOString().slice(0, 10);
}

/** Folds started courses and their attendance into one row per day, oldest first, `days` rows ending today. */
export function dailyStats(
  rows: { beginTime: number; endTime: number; students: number }[],
  now: number,
  eastMin: number,
  days = DASHBOARD_DAYS,
): DayStat[] {
  const out = new Map<string, DayStat>();
  for (let i = days - 1; i >= 0; i--) {
    const day = localDay(now - i * DAY_S, eastMin);
    out.set(day, { day, teachingMinutes: 0, attendance: 0 });
  }
  for (const r of rows) {
    const s = out.get(localDay(r.beginTime, eastMin));
    if (!s) continue;
    const end = r.endTime > 0 ? r.endTime : now;
    s.teachingMinutes += Math.max(0, Math.round((end - r.beginTime) / 60));
    s.attendance += r.students;
  }
  return Array.from(out, ([, s]) => s);
}

/** Everything the home page shows. `eastMin`: the browser's offset east of UTC in minutes (China: 480). */
export async function teacherDashboard(
  ctx: ServiceCtx,
  caller: Teacher,
  input: { eastMin: number },
): Promise<{
  live: DashboardCourse[];
  drafts: DashboardCourse[];
  upcoming: DashboardCourse[];
  recentPlayback: DashboardCourse[];
  days: DayStat[];
  now: number;
}> {
  const now = ctx.clock.nowS();
  const mine = and(eq(courses.appid, ctx.env.SDKAPPID), eq(courses.hostUid, caller.uid));
  const cols = {
    roomnum: courses.roomnum,
    title: courses.title,
    state: courses.state,
    createdAt: courses.createdAt,
    beginTime: courses.beginTime,
    endTime: courses.endTime,
    memsize: memsizeColumn(),
    indexStatus: courses.indexStatus,
    plannedStart: courses.plannedStart,
    plannedMinutes: courses.plannedMinutes,
  };
  const live = await ctx.db
    .select(cols)
    .from(courses)
    .where(and(mine, eq(courses.state, COURSE_STATE.LIVE)))
    .orderBy(desc(courses.beginTime));
  // Scheduled drafts (a planned end still ahead) are listed under "Scheduled" only, not here too.
  const scheduled = and(
    isNotNull(courses.plannedStart),
    gte(sql`${courses.plannedStart} + coalesce(${courses.plannedMinutes}, 0) * 60`, now),
  );
  const drafts = await ctx.db
    .select(cols)
    .from(courses)
    .where(and(mine, eq(courses.state, COURSE_STATE.CREATED), not(scheduled!)))
    .orderBy(asc(courses.createdAt), asc(courses.roomnum))
    .limit(LIST_LIMIT);
  // Drafts planned from now on (a course running a little late still counts until its planned end), soonest first.
  const upcoming = await ctx.db
    .select(cols)
    .from(courses)
    .where(and(mine, eq(courses.state, COURSE_STATE.CREATED), scheduled))
    .orderBy(asc(courses.plannedStart), asc(courses.roomnum))
    .limit(LIST_LIMIT);
  const ready = await ctx.db
    .select(cols)
    .from(courses)
    .where(and(mine, playbackReadyWhere()))
    .orderBy(desc(courses.endTime), desc(courses.roomnum))
    .limit(LIST_LIMIT);
  const recs = await recordingCounts(
    ctx,
    ready.map((c) => c.roomnum),
  );
  const shown = (rows: (Omit<DashboardCourse, 'playback'> & { indexStatus: string })[]): DashboardCourse[] =>
    rows.map(({ indexStatus, ...c }) => ({
      ...c,
      playback: playbackStatus(
        { state: c.state, indexStatus, endTime: c.endTime },
        recs.get(c.roomnum) ?? 0,
        recordingWaitOf(ctx),
      ),
    }));

  // One extra day of margin: the window is in the browser's days, the cutoff in UTC seconds.
  const since = now - (DASHBOARD_DAYS + 1) * DAY_S;
  const started = await ctx.db
    .select({ roomnum: courses.roomnum, beginTime: courses.beginTime, endTime: courses.endTime })
    .from(courses)
    .where(and(mine, gte(courses.beginTime, since), inArray(courses.state, STARTED_STATES)));
  const attendance = new Map<number, number>();
  if (started.length > 0) {
    const rows = await ctx.db
      .select({ roomnum: courseEvents.roomnum, n: countDistinct(courseEvents.uid) })
      .from(courseEvents)
      .where(
        and(
          inArray(
            courseEvents.roomnum,
            started.map((s) => s.roomnum),
          ),
          eq(courseEvents.kind, 'member_enter'),
          eq(courseEvents.role, ROLE.STUDENT),
        ),
      )
      .groupBy(courseEvents.roomnum);
    for (const r of rows) attendance.set(r.roomnum, r.n);
  }
  const days = dailyStats(
    started.map((s) => ({ beginTime: s.beginTime, endTime: s.endTime, students: attendance.get(s.roomnum) ?? 0 })),
    now,
    input.eastMin,
  );
  return {
    live: shown(live),
    drafts: shown(drafts),
    upcoming: shown(upcoming),
    recentPlayback: shown(ready),
    days,
    now,
  };
}
