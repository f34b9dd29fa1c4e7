/**
 * The one rule for "is this course's replay ready": an ended course whose playback index is ready AND that has at
 * least one recording. A course without a recording is "ended, no recording" however its index went (the index job
 * happily indexes an empty timeline) — once RECORDING_WAIT_S has passed since its end; before that it is "waiting". Every console answer (course list, course page, dashboard, playback review)
 * carries the `playback` field computed here, and the components read only that.
 */
import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { courses, recordings } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { COURSE_STATE, ENDED_STATES, hasEnded } from './course-state';

/**
 * ready: watchable; waiting: ended moments ago without a recording yet (Tencent's notice may still come); none: ended
 * without a recording; pending: being indexed; failed: indexing gave up.
 */
export type PlaybackStatus = 'ready' | 'waiting' | 'none' | 'pending' | 'failed';

/**
 * How long after a course's end a missing recording is still "on its way" (RECORDING_WAIT_S): Tencent notifies a
 * recording once its file is closed (the stream's end plus the recording template's resume wait) and retries an
 * unanswered notice every minute, so "no recording" right after the end would be a guess.
 */
export interface RecordingWait {
  now: number;
  waitS: number;
}

export function recordingWaitOf(ctx: ServiceCtx): RecordingWait {
  return { now: ctx.clock.nowS(), waitS: ctx.env.RECORDING_WAIT_S };
}

/** True for the statuses without any recording (nothing to watch or publish). */
export function hasNoRecording(p: PlaybackStatus | null): boolean {
  return p === 'none' || p === 'waiting';
}

/** Pure: the playback status of a course with `recordingCount` recordings; null while it has not ended. */
export function playbackStatus(
  c: { state: number; indexStatus: string; endTime: number },
  recordingCount: number,
  wait: RecordingWait,
): PlaybackStatus | null {
  if (!hasEnded(c)) return null;
  if (recordingCount === 0) return wait.now < c.endTime + wait.waitS ? 'waiting' : 'none';
  if (c.state === COURSE_STATE.PLAYBACK && c.indexStatus === 'ready') return 'ready';
  return c.indexStatus === 'failed' ? 'failed' : 'pending';
}

/** The same rule's 'ready' as a WHERE over `courses` (lists that must only hold ready replays, e.g. the dashboard). */
export function playbackReadyWhere() {
  return and(
    eq(courses.state, COURSE_STATE.PLAYBACK),
    eq(courses.indexStatus, 'ready'),
    // `${courses}.roomnum`, qualified: see memsizeColumn in course-list.ts.
    sql`exists (select 1 from ${recordings} r where r.roomnum = ${courses}.roomnum)`,
  );
}

/** course-state.ts shownState as a column over `courses`, for counting courses per shown state in SQL. */
export function shownStateSql(): SQL<number> {
  return sql<number>`case when ${playbackReadyWhere()} then ${COURSE_STATE.PLAYBACK} when ${inArray(courses.state, ENDED_STATES)} then ${COURSE_STATE.ENDED} else ${courses.state} end`;
}

/** Recordings per course, for the given rooms (absent rooms have none). One indexed query. */
export async function recordingCounts(ctx: ServiceCtx, roomnums: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (roomnums.length === 0) return out;
  const rows = await ctx.db
    .select({ roomnum: recordings.roomnum, n: count() })
    .from(recordings)
    .where(inArray(recordings.roomnum, [...roomnums]))
    .groupBy(recordings.roomnum);
  for (const r of rows) out.set(r.roomnum, r.n);
  return out;
}

/** The playback status of one course (see playbackStatus). */
export async function coursePlaybackStatus(
  ctx: ServiceCtx,
  c: { roomnum: number; state: number; indexStatus: string; endTime: number },
): Promise<PlaybackStatus | null> {
  if (!hasEnded(c)) return null;
  return playbackStatus(c, (await recordingCounts(ctx, [c.roomnum])).get(c.roomnum) ?? 0, recordingWaitOf(ctx));
}
