/**
 * Who may see a course's playback (its index URL, recordings, timeline), and the teacher's publish switch. THE rule,
 * one SQL condition for both doors (playbackViewableBy): the course's teacher always; anyone else only when the
 * course has ended, its playback is published and they attended (a member_enter event in the course log, which
 * outlives the membership rows). Used by the console's playback pages (refusals look like ROOM_NOT_FOUND),
 * `live/roomlist` (others get playback_idx_url "") and `vod/cmd_proxy` (which recordings a caller may list).
 */
import { and, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { boundFiles, courseEvents, courses, recordings, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { publicUrlOf } from '../integrations/storage/stored-ref';
import type { MediaView } from '../integrations/vod/types';
import { LIBRARY } from './courseware';
import { FILE_TYPE } from './uploads';
import { getCourse } from './courses';
import { getTeacherCourse } from './console-courses';
import { courseTimeline, timelineWithUrls, type TimelineItem } from './playback';
import { listRecordings } from './recordings';
import { ENDED_STATES, hasEnded, type Caller } from './schemas';

/**
 * The playback rule as a condition over the `courses` table (qualified names, so it also holds inside joins and
 * correlated subqueries): host, or ended + published + attended.
 */
export function playbackViewableBy(uid: string): SQL {
  const ended = sql.join(ENDED_STATES.map((s) => sql`${s}`), sql`, `);
  return sql`("courses"."host_uid" = ${uid} OR ("courses"."playback_published" = 1 AND "courses"."state" IN (${ended}) AND EXISTS (SELECT 1 FROM ${courseEvents} ev WHERE ev.roomnum = "courses"."roomnum" AND ev.kind = 'member_enter' AND ev.uid = ${uid})))`;
}

/** Which of `roomnums` the caller may see the playback of: one query for a whole page (roomlist). */
export async function viewablePlaybackRooms(ctx: ServiceCtx, caller: Caller, roomnums: readonly number[]): Promise<Set<number>> {
  if (roomnums.length === 0) return new Set();
  const rows = await ctx.db
    .select({ roomnum: courses.roomnum })
    .from(courses)
    .where(and(inArray(courses.roomnum, [...roomnums]), playbackViewableBy(caller.uid)));
  return new Set(rows.map((r) => r.roomnum));
}

/**
 * The course if the caller may watch its playback: its teacher (any ended course), or an attending student of a
 * published one. Throws ROOM_NOT_FOUND otherwise, and COURSE_STATE for the teacher of a course not yet ended.
 */
export async function getViewablePlayback(ctx: ServiceCtx, caller: Caller, roomnum: number): Promise<{ course: Course; isTeacher: boolean }> {
  const c = await getCourse(ctx, roomnum);
  if (c.hostUid === caller.uid) {
    if (!hasEnded(c)) throw new AppError('COURSE_STATE', 'the course has not ended yet');
    return { course: c, isTeacher: true };
  }
  if (!(await viewablePlaybackRooms(ctx, caller, [roomnum])).has(roomnum)) throw new AppError('ROOM_NOT_FOUND');
  return { course: c, isTeacher: false };
}

/** Publishes or withdraws an ended course's playback. Throws ROOM_NOT_FOUND, NO_PRIVILEGE, COURSE_STATE. */
export async function setPlaybackPublished(ctx: ServiceCtx, caller: Caller, roomnum: number, published: boolean): Promise<void> {
  const c = await getTeacherCourse(ctx, caller, roomnum);
  if (!hasEnded(c)) throw new AppError('COURSE_STATE', 'only an ended course has a playback to publish');
  await ctx.db.update(courses).set({ playbackPublished: published }).where(eq(courses.roomnum, c.roomnum));
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
  // The rows the rule lets through, narrowed first to rooms the caller entered (the event index keeps it cheap).
  const mine = ctx.db
    .selectDistinct({ roomnum: courseEvents.roomnum })
    .from(courseEvents)
    .where(and(eq(courseEvents.uid, caller.uid), eq(courseEvents.kind, 'member_enter')));
  return ctx.db
    .select({ roomnum: courses.roomnum, title: courses.title, hostUid: courses.hostUid, beginTime: courses.beginTime, endTime: courses.endTime })
    .from(courses)
    .where(
      and(
        eq(courses.appid, ctx.env.SDKAPPID),
        eq(courses.playbackPublished, true),
        inArray(courses.state, ENDED_STATES),
        inArray(courses.roomnum, mine),
        playbackViewableBy(caller.uid),
      ),
    )
    .orderBy(desc(courses.endTime), desc(courses.roomnum))
    .limit(limit);
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
): Promise<{ course: Course; isTeacher: boolean; segments: PlaybackSegment[]; timeline: TimelineItem[] }> {
  const { course, isTeacher } = await getViewablePlayback(ctx, caller, roomnum);
  const tl = await courseTimeline(ctx, roomnum);
  const recs = await listRecordings(ctx, roomnum);
  const urlOf = (stored: string) => publicUrlOf(ctx.storage, stored, base);
  const items = isTeacher ? tl.items : tl.items.filter((i) => i.kind !== 'join' && i.kind !== 'leave');
  return {
    course,
    isTeacher,
    timeline: timelineWithUrls(items, urlOf),
    segments: recs.map((r) => ({ recordingId: r.id, videoUrl: urlOf(r.videoUrl), startTime: r.startTime, endTime: r.endTime, duration: r.duration })),
  };
}

/**
 * The playback index URL each listed course shows this caller (`live/roomlist`): built at `base` for rooms the rule
 * lets them see, '' for the rest. Runs after the cached page, with one batched query over the page's rooms that have
 * an index (none when no room has one).
 */
export async function playbackUrlsFor(
  ctx: ServiceCtx,
  caller: Caller,
  rooms: readonly Pick<Course, 'roomnum' | 'playbackIdxUrl'>[],
  base?: string,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const withIndex = rooms.filter((c) => c.playbackIdxUrl !== '');
  if (withIndex.length === 0) return out;
  const ok = await viewablePlaybackRooms(ctx, caller, withIndex.map((c) => c.roomnum));
  for (const c of withIndex) if (ok.has(c.roomnum)) out.set(c.roomnum, publicUrlOf(ctx.storage, c.playbackIdxUrl, base));
  return out;
}

/**
 * The media `vod/cmd_proxy` may show the caller (the same rule as playbacks): recordings of courses whose playback
 * they may see (playbackViewableBy: their own courses, or published ones they attended), and the videos bound to
 * their library or to courses they teach. URLs are built at `base`.
 */
export async function visibleMedia(ctx: ServiceCtx, caller: Caller, base?: string): Promise<MediaView> {
  const recs = await ctx.db
    .select({ fileId: recordings.fileId, videoId: recordings.videoId, url: recordings.videoUrl })
    .from(recordings)
    .innerJoin(courses, eq(courses.roomnum, recordings.roomnum))
    .where(and(eq(courses.appid, ctx.env.SDKAPPID), playbackViewableBy(caller.uid)));
  const taught = ctx.db.select({ roomnum: courses.roomnum }).from(courses).where(and(eq(courses.appid, ctx.env.SDKAPPID), eq(courses.hostUid, caller.uid)));
  const videos = await ctx.db
    .selectDistinct({ url: boundFiles.url })
    .from(boundFiles)
    .where(
      and(
        eq(boundFiles.type, FILE_TYPE.VIDEO),
        or(and(eq(boundFiles.roomnum, LIBRARY), eq(boundFiles.ownerUid, caller.uid)), inArray(boundFiles.roomnum, taught)),
      ),
    );
  return {
    fileIds: [...new Set(recs.flatMap((r) => [r.fileId, r.videoId]).filter((id) => id !== ''))],
    refs: [...new Set([...recs.map((r) => r.url), ...videos.map((v) => v.url)])],
    urlOf: (stored) => publicUrlOf(ctx.storage, stored, base),
  };
}
