/**
 * Who may see a course's playback (its index URL, recordings, timeline), and the teacher's publish switch. THE rule
 * (mayViewPlayback), for both doors: the course's teacher always; anyone else only when the course has ended, its
 * playback is published and they attended (a member_enter event in the course log, which outlives the membership
 * rows). Attendance is asked only for rooms where it decides, in one prepared query per call (viewableRooms).
 * Used by the console's playback pages (refusals look like ROOM_NOT_FOUND), `live/roomlist` (others get
 * playback_idx_url "") and `vod/cmd_proxy` (which recordings a caller may list).
 */
import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { inTransaction } from '../../db/client';
import { boundFiles, courseEvents, courses, recordings, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { publicUrlOf } from '../integrations/storage/stored-ref';
import type { MediaView } from '../integrations/vod/types';
import { LIBRARY } from './courseware';
import { FILE_TYPE } from './uploads';
import { courseFor, getCourse, type Door } from './course-access';
import { courseTimeline, timelineWithUrls, type TimelineItem } from './playback';
import { preparedFor } from './prepared';
import {
  coursePlaybackStatus,
  hasNoRecording,
  playbackStatus,
  recordingWaitOf,
  type PlaybackStatus,
} from './playback-status';
import { listRecordings } from './recordings';
import { hasEnded } from './course-state';
import { type Caller } from './schemas';

/** What the rule reads of a course. */
export type PlaybackFacts = Pick<Course, 'roomnum' | 'hostUid' | 'state' | 'playbackPublished'>;

/** THE playback rule: the host, or, for an ended course with a published playback, someone who attended. */
export function mayViewPlayback(c: Omit<PlaybackFacts, 'roomnum'>, uid: string, attended: boolean): boolean {
  return c.hostUid === uid || (c.playbackPublished && hasEnded(c) && attended);
}

/**
 * The attendance query, prepared once per handle for each list size 1, 2, 4 … 64: a room list cannot be one portable
 * parameter, and building the query per call would cost more than running it (roomlist pages run it). A list is
 * padded to its size with its last room; a longer one goes in chunks.
 */
const ATTENDANCE_SIZES = [1, 2, 4, 8, 16, 32, 64] as const;
const ATTENDANCE_MAX = 64;
const attendance = ATTENDANCE_SIZES.map((n) =>
  preparedFor((db) =>
    db
      .selectDistinct({ roomnum: courseEvents.roomnum })
      .from(courseEvents)
      .where(
        and(
          eq(courseEvents.uid, sql.placeholder('uid')),
          eq(courseEvents.kind, 'member_enter'),
          inArray(
            courseEvents.roomnum,
            Array.from({ length: n }, (_, i) => sql.placeholder(`r${i}`)),
          ),
        ),
      )
      .prepare(),
  ),
);

/** Which of `rooms` `uid` entered (a member_enter event), through the prepared attendance statements. */
async function roomsAttended(ctx: ServiceCtx, uid: string, rooms: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < rooms.length; i += ATTENDANCE_MAX) {
    const chunk = rooms.slice(i, i + ATTENDANCE_MAX);
    const size = ATTENDANCE_SIZES.findIndex((n) => n >= chunk.length);
    const params: Record<string, string | number> = { uid };
    for (let j = 0; j < ATTENDANCE_SIZES[size]!; j++) params[`r${j}`] = chunk[Math.min(j, chunk.length - 1)]!;
    for (const r of await attendance[size]!(ctx).execute(params)) out.add(r.roomnum);
  }
  return out;
}

/** The rooms `uid` ever entered (a member_enter event: the log outlives membership rows), as a subquery. */
function roomsEnteredBy(ctx: ServiceCtx, uid: string) {
  return ctx.db
    .selectDistinct({ roomnum: courseEvents.roomnum })
    .from(courseEvents)
    .where(and(eq(courseEvents.uid, uid), eq(courseEvents.kind, 'member_enter')));
}

/**
 * Which of `rooms` the caller may see the playback of. Rooms the rule decides without attendance (the caller's own;
 * unpublished or not ended) cost nothing; the others' attendance is one prepared query for all of them (a roomlist
 * page; more than 64 rooms take one per 64).
 */
export async function viewableRooms(
  ctx: ServiceCtx,
  caller: Caller,
  rooms: readonly PlaybackFacts[],
): Promise<Set<number>> {
  const ok = new Set<number>();
  const ask: PlaybackFacts[] = [];
  for (const c of rooms) {
    const without = mayViewPlayback(c, caller.uid, false);
    if (without) ok.add(c.roomnum);
    else if (mayViewPlayback(c, caller.uid, true)) ask.push(c);
  }
  if (ask.length > 0) {
    const entered = await roomsAttended(
      ctx,
      caller.uid,
      ask.map((c) => c.roomnum),
    );
    for (const c of ask) if (entered.has(c.roomnum)) ok.add(c.roomnum);
  }
  return ok;
}

/**
 * The course if the caller may watch its playback: its teacher (any ended course), or an attending student of a
 * published one. Throws ROOM_NOT_FOUND otherwise, and COURSE_STATE for the teacher of a course not yet ended.
 */
export async function getViewablePlayback(
  ctx: ServiceCtx,
  caller: Caller,
  roomnum: number,
): Promise<{ course: Course; isTeacher: boolean }> {
  const c = await getCourse(ctx, roomnum);
  if (c.hostUid === caller.uid) {
    if (!hasEnded(c)) throw new AppError('COURSE_STATE', 'the course has not ended yet');
    return { course: c, isTeacher: true };
  }
  if (!(await viewableRooms(ctx, caller, [c])).has(c.roomnum)) throw new AppError('ROOM_NOT_FOUND');
  return { course: c, isTeacher: false };
}

/**
 * Publishes or withdraws an ended course's playback. Publishing needs a recording (playback-status.ts: a course
 * without one is "ended, no recording"); withdrawing is always allowed. Throws ROOM_NOT_FOUND, NO_PRIVILEGE,
 * COURSE_STATE, NO_RECORDING.
 */
export async function setPlaybackPublished(
  ctx: ServiceCtx,
  caller: Caller,
  roomnum: number,
  published: boolean,
  door: Door,
): Promise<void> {
  const c = await courseFor(ctx, caller, roomnum, { need: 'teach', door });
  if (!hasEnded(c)) throw new AppError('COURSE_STATE', 'only an ended course has a playback to publish');
  if (published && hasNoRecording(await coursePlaybackStatus(ctx, c))) {
    throw new AppError('NO_RECORDING', 'this course has no recording: there is nothing to publish');
  }
  await inTransaction(ctx.db, (tx) =>
    tx.update(courses).set({ playbackPublished: published }).where(eq(courses.roomnum, c.roomnum)),
  );
}

export interface AttendedPlayback {
  roomnum: number;
  title: string;
  hostUid: string;
  beginTime: number;
  endTime: number;
}

/** Published playbacks of ended courses the caller attended, most recent first (the student page). */
export async function listAttendedPlaybacks(ctx: ServiceCtx, caller: Caller, limit = 50): Promise<AttendedPlayback[]> {
  // Candidates are the rooms the caller entered (they attended all of them); the rule picks the viewable ones.
  const mine = roomsEnteredBy(ctx, caller.uid);
  const rows = await ctx.db
    .select({
      roomnum: courses.roomnum,
      title: courses.title,
      hostUid: courses.hostUid,
      beginTime: courses.beginTime,
      endTime: courses.endTime,
      state: courses.state,
      playbackPublished: courses.playbackPublished,
    })
    .from(courses)
    .where(and(eq(courses.appid, ctx.env.SDKAPPID), inArray(courses.roomnum, mine)))
    .orderBy(desc(courses.endTime), desc(courses.roomnum));
  return (
    rows
      // This page lists published playbacks only (a teacher reviews their unpublished ones from the course list).
      .filter((c) => c.playbackPublished && mayViewPlayback(c, caller.uid, true))
      .slice(0, limit)
      .map(({ roomnum, title, hostUid, beginTime, endTime }) => ({ roomnum, title, hostUid, beginTime, endTime }))
  );
}

export interface PlaybackSegment {
  recordingId: number;
  videoUrl: string;
  /** Wall-clock span of the recording (unix s). */
  startTime: number;
  endTime: number;
  duration: number;
}

/**
 * What a viewer of the playback sees: the recordings in order and the class timeline. Students get the lesson's
 * shape (start, recordings, courseware, end) without other people's comings and goings; the teacher gets it all.
 * File URLs are built at `base` (the caller's requestBaseUrl). Throws as getViewablePlayback.
 */
export async function playbackForViewer(
  ctx: ServiceCtx,
  caller: Caller,
  roomnum: number,
  base?: string,
): Promise<{
  course: Course;
  isTeacher: boolean;
  playback: PlaybackStatus | null;
  segments: PlaybackSegment[];
  timeline: TimelineItem[];
}> {
  const { course, isTeacher } = await getViewablePlayback(ctx, caller, roomnum);
  const tl = await courseTimeline(ctx, roomnum);
  const recs = await listRecordings(ctx, roomnum);
  const urlOf = (stored: string) => publicUrlOf(ctx.storage, stored, base);
  const items = isTeacher ? tl.items : tl.items.filter((i) => i.kind !== 'join' && i.kind !== 'leave');
  return {
    course,
    isTeacher,
    playback: playbackStatus(course, recs.length, recordingWaitOf(ctx)),
    timeline: timelineWithUrls(items, urlOf),
    segments: recs.map((r) => ({
      recordingId: r.id,
      videoUrl: urlOf(r.videoUrl),
      startTime: r.startTime,
      endTime: r.endTime,
      duration: r.duration,
    })),
  };
}

/**
 * The playback index URL each listed course shows this caller (`live/roomlist`): built at `base` for rooms the rule
 * lets them see, '' for the rest. Runs after the cached page; costs one prepared attendance query, and only when
 * the page holds published playbacks of others' courses.
 */
export async function playbackUrlsFor(
  ctx: ServiceCtx,
  caller: Caller,
  rooms: readonly (PlaybackFacts & Pick<Course, 'playbackIdxUrl'>)[],
  base?: string,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const withIndex = rooms.filter((c) => c.playbackIdxUrl !== '');
  if (withIndex.length === 0) return out;
  const ok = await viewableRooms(ctx, caller, withIndex);
  for (const c of withIndex)
    if (ok.has(c.roomnum)) out.set(c.roomnum, publicUrlOf(ctx.storage, c.playbackIdxUrl, base));
  return out;
}

/**
 * The media `vod/cmd_proxy` may show the caller (the same rule as playbacks): recordings of courses whose playback
 * they may see (their own courses, or published ones they attended), and the videos bound to their library or to
 * courses they teach. URLs are built at `base`.
 */
export async function visibleMedia(ctx: ServiceCtx, caller: Caller, base?: string): Promise<MediaView> {
  const entered = roomsEnteredBy(ctx, caller.uid);
  const candidates = await ctx.db
    .select({
      roomnum: courses.roomnum,
      hostUid: courses.hostUid,
      state: courses.state,
      playbackPublished: courses.playbackPublished,
    })
    .from(courses)
    .where(
      and(eq(courses.appid, ctx.env.SDKAPPID), or(eq(courses.hostUid, caller.uid), inArray(courses.roomnum, entered))),
    );
  const viewable = [...(await viewableRooms(ctx, caller, candidates))];
  const taught = candidates.filter((c) => c.hostUid === caller.uid).map((c) => c.roomnum);
  const recs = viewable.length
    ? await ctx.db
        .select({ fileId: recordings.fileId, videoId: recordings.videoId, url: recordings.videoUrl })
        .from(recordings)
        .where(inArray(recordings.roomnum, viewable))
    : [];
  const videos = await ctx.db
    .selectDistinct({ url: boundFiles.url })
    .from(boundFiles)
    .where(
      and(
        eq(boundFiles.type, FILE_TYPE.VIDEO),
        or(
          and(eq(boundFiles.roomnum, LIBRARY), eq(boundFiles.ownerUid, caller.uid)),
          inArray(boundFiles.roomnum, taught),
        ),
      ),
    );
  return {
    fileIds: [...new Set(recs.flatMap((r) => [r.fileId, r.videoId]).filter((id) => id !== ''))],
    refs: [...new Set([...recs.map((r) => r.url), ...videos.map((v) => v.url)])],
    urlOf: (stored) => publicUrlOf(ctx.storage, stored, base),
  };
}
