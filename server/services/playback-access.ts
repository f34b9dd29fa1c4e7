/**
 * Who may open a course's playback, and the teacher's publish switch. Rule: the course's teacher always; a student
 * only when the playback is published and the student attended (a member_enter event in the course log, which
 * outlives the membership rows); nobody else. Anyone refused sees ROOM_NOT_FOUND, as if the course did not exist.
 * Callers: tRPC playback router.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import { courseEvents, courses, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { getCourse } from './courses';
import { getTeacherCourse } from './console-courses';
import { courseTimeline, type TimelineItem } from './playback';
import { coursePlaybackStatus, playbackStatus, type PlaybackStatus } from './playback-status';
import { listRecordings } from './recordings';
import { ENDED_STATES, hasEnded, type Caller } from './schemas';

/** Whether `uid` ever entered the course. */
async function attended(ctx: ServiceCtx, roomnum: number, uid: string): Promise<boolean> {
  const row = await ctx.db
    .select({ id: courseEvents.id })
    .from(courseEvents)
    .where(and(eq(courseEvents.roomnum, roomnum), eq(courseEvents.kind, 'member_enter'), eq(courseEvents.uid, uid)))
    .limit(1);
  return row.length > 0;
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
  if (!c.playbackPublished || !hasEnded(c) || !(await attended(ctx, roomnum, caller.uid))) throw new AppError('ROOM_NOT_FOUND');
  return { course: c, isTeacher: false };
}

/**
 * Publishes or withdraws an ended course's playback. Publishing needs a recording (playback-status.ts: a course
 * without one is "ended, no recording"); withdrawing is always allowed. Throws ROOM_NOT_FOUND, NO_PRIVILEGE,
 * COURSE_STATE, NO_RECORDING.
 */
export async function setPlaybackPublished(ctx: ServiceCtx, caller: Caller, roomnum: number, published: boolean): Promise<void> {
  const c = await getTeacherCourse(ctx, caller, roomnum);
  if (!hasEnded(c)) throw new AppError('COURSE_STATE', 'only an ended course has a playback to publish');
  if (published && (await coursePlaybackStatus(ctx, c)) === 'none') {
    throw new AppError('NO_RECORDING', 'this course has no recording: there is nothing to publish');
  }
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
 * Throws as getViewablePlayback.
 */
export async function playbackForViewer(
  ctx: ServiceCtx,
  caller: Caller,
  roomnum: number,
): Promise<{ course: Course; isTeacher: boolean; playback: PlaybackStatus | null; segments: PlaybackSegment[]; timeline: TimelineItem[] }> {
  const { course, isTeacher } = await getViewablePlayback(ctx, caller, roomnum);
  const tl = await courseTimeline(ctx, roomnum);
  const recs = await listRecordings(ctx, roomnum);
  const timeline = isTeacher ? tl.items : tl.items.filter((i) => i.kind !== 'join' && i.kind !== 'leave');
  return {
    course,
    isTeacher,
    playback: playbackStatus(course, recs.length),
    segments: recs.map((r) => ({ recordingId: r.id, videoUrl: r.videoUrl, startTime: r.startTime, endTime: r.endTime, duration: r.duration })),
    timeline,
  };
}
