/**
 * Who may see a course's playback (its index URL, recordings, timeline), and the teacher's publish switch with its
 * audience. THE rule (mayViewPlayback), for every door: the course's teacher always; anyone else only when the course
 * has ended, its playback is published, and they are in its audience — they attended (a member_enter event in the
 * course log, which outlives the membership rows), or the audience is 'class' and they are on the teacher's class
 * list (absent students are the ones who need the replay). Attendance and the class list are asked only for rooms
 * where they decide, in prepared queries (viewableRooms).
 * Used by the console's playback pages and the invite page (refusals look like ROOM_NOT_FOUND), `live/roomlist`
 * (others get playback_idx_url "") and `vod/cmd_proxy` (which recordings a caller may list).
 */
import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction } from '../../db/client';
import { boundFiles, classStudents, courseEvents, courses, recordings, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { publicUrlOf } from '../integrations/storage/stored-ref';
import type { MediaView } from '../integrations/vod/types';
import { LIBRARY } from './courseware';
import { FILE_TYPE } from './uploads';
import { getCourse, type TaughtCourse } from './course-access';
import { courseTimeline, type TimelineItem } from './playback';
import { preparedFor } from './prepared';
import {
  coursePlaybackStatus,
  hasNoRecording,
  playbackStatus,
  recordingWaitOf,
  type PlaybackStatus,
} from './playback-status';
import { listRecordings } from './recordings';
import { hasEnded, isTeacher } from './course-state';
import { type Caller } from './schemas';

/**
 * Who a published playback reaches besides its teacher: 'attendees', the students who entered the class; 'class',
 * those and every student on the teacher's class list.
 */
export const PLAYBACK_AUDIENCES = courses.playbackAudience.enumValues;
export type PlaybackAudience = Course['playbackAudience'];
export const playbackAudienceInput = z.enum(PLAYBACK_AUDIENCES);

/** What the rule reads of a course. */
export type PlaybackFacts = Pick<Course, 'roomnum' | 'hostUid' | 'state' | 'playbackPublished' | 'playbackAudience'>;

/** What the rule reads of a viewer besides their id, for one course: did they attend; does its teacher list them. */
export interface ViewerTies {
  attended: boolean;
  listed: boolean;
}

const NO_TIES: ViewerTies = { attended: false, listed: false };
const LISTED_ONLY: ViewerTies = { attended: false, listed: true };
const ALL_TIES: ViewerTies = { attended: true, listed: true };

/**
 * THE playback rule: the host; or, for an ended course with a published playback, someone in its audience (who
 * attended, or, with audience 'class', who is on the teacher's class list).
 */
export function mayViewPlayback(c: Omit<PlaybackFacts, 'roomnum'>, uid: string, ties: ViewerTies): boolean {
  if (c.hostUid === uid) return true;
  if (!c.playbackPublished || !hasEnded(c)) return false;
  return ties.attended || (c.playbackAudience === 'class' && ties.listed);
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

/** The teachers whose class list holds a student, prepared once per handle (class_students_student_idx). */
const listers = preparedFor((db) =>
  db
    .select({ uid: classStudents.teacherUid })
    .from(classStudents)
    .where(eq(classStudents.studentUid, sql.placeholder('uid')))
    .prepare(),
);

/** The teachers who have `uid` on their class list (a student is on a few lists, so all of them at once). */
async function teachersListing(ctx: ServiceCtx, uid: string): Promise<Set<string>> {
  return new Set((await listers(ctx).execute({ uid })).map((r) => r.uid));
}

/** The rooms `uid` ever entered (a member_enter event: the log outlives membership rows), as a subquery. */
function roomsEnteredBy(ctx: ServiceCtx, uid: string) {
  return ctx.db
    .selectDistinct({ roomnum: courseEvents.roomnum })
    .from(courseEvents)
    .where(and(eq(courseEvents.uid, uid), eq(courseEvents.kind, 'member_enter')));
}

/** The teachers who have `uid` on their class list, as a subquery. */
function teachersListingSubquery(ctx: ServiceCtx, uid: string) {
  return ctx.db.select({ uid: classStudents.teacherUid }).from(classStudents).where(eq(classStudents.studentUid, uid));
}

/**
 * The courses whose audience `uid` may be in, as a filter over `courses`: rooms they entered, and the 'class'-audience
 * courses of teachers who list them. Candidates only: published or not, ended or not, the rule still decides.
 */
function audienceCandidateWhere(ctx: ServiceCtx, uid: string) {
  return or(
    inArray(courses.roomnum, roomsEnteredBy(ctx, uid)),
    and(eq(courses.playbackAudience, 'class'), inArray(courses.hostUid, teachersListingSubquery(ctx, uid))),
  );
}

/**
 * Which of `rooms` the caller may see the playback of. Rooms the rule decides without ties (the caller's own;
 * unpublished or not ended) cost nothing; for the others, attendance is one prepared query for all of them (a roomlist
 * page; more than 64 rooms take one per 64), then the class list one more, and only when some 'class' room is left
 * undecided by attendance.
 */
export async function viewableRooms(
  ctx: ServiceCtx,
  caller: Caller,
  rooms: readonly PlaybackFacts[],
): Promise<Set<number>> {
  const ok = new Set<number>();
  const ask: PlaybackFacts[] = [];
  for (const c of rooms) {
    if (mayViewPlayback(c, caller.uid, NO_TIES)) ok.add(c.roomnum);
    else if (mayViewPlayback(c, caller.uid, ALL_TIES)) ask.push(c);
  }
  if (ask.length === 0) return ok;
  const entered = await roomsAttended(
    ctx,
    caller.uid,
    ask.map((c) => c.roomnum),
  );
  const needsList = ask.some((c) => !entered.has(c.roomnum) && mayViewPlayback(c, caller.uid, LISTED_ONLY));
  const listing = needsList ? await teachersListing(ctx, caller.uid) : new Set<string>();
  for (const c of ask) {
    const ties = { attended: entered.has(c.roomnum), listed: listing.has(c.hostUid) };
    if (mayViewPlayback(c, caller.uid, ties)) ok.add(c.roomnum);
  }
  return ok;
}

/**
 * The course if the caller may watch its playback: its teacher (any ended course), or a student in the audience of a
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

export interface PlaybackSharing {
  published: boolean;
  audience: PlaybackAudience;
}

/**
 * Publishes or withdraws an ended course's playback, and sets whom it reaches (`audience`; left as stored when
 * omitted, and kept when withdrawn so publishing again offers the last choice). Publishing needs a recording
 * (playback-status.ts: a course without one is "ended, no recording"); withdrawing is always allowed. Changing the
 * audience of a published playback is publishing it again. Returns what is stored. Callers: tRPC
 * playback.setPublished, the demo data. Throws COURSE_STATE, NO_RECORDING (`c`: the door resolved the taught course).
 */
export async function setPlaybackPublished(
  ctx: ServiceCtx,
  c: TaughtCourse,
  sharing: { published: boolean; audience?: PlaybackAudience },
): Promise<PlaybackSharing> {
  if (!hasEnded(c)) throw new AppError('COURSE_STATE', 'only an ended course has a playback to publish');
  if (sharing.published && hasNoRecording(await coursePlaybackStatus(ctx, c))) {
    throw new AppError('NO_RECORDING', 'this course has no recording: there is nothing to publish');
  }
  const next: PlaybackSharing = { published: sharing.published, audience: sharing.audience ?? c.playbackAudience };
  // One row, both columns: the course_list trigger bumps on either, so cached roomlist pages never keep an old audience.
  await inTransaction(ctx.db, (tx) =>
    tx
      .update(courses)
      .set({ playbackPublished: next.published, playbackAudience: next.audience })
      .where(eq(courses.roomnum, c.roomnum)),
  );
  return next;
}

/**
 * How many students each audience would reach (the publish control's counts): the students among `attendance`, and
 * those together with the teacher's class list (listed students who attended count once). One indexed query.
 */
export async function playbackReach(
  ctx: ServiceCtx,
  c: Pick<Course, 'hostUid'>,
  attendance: readonly { uid: string; role: number }[],
): Promise<Record<PlaybackAudience, number>> {
  const attended = new Set(attendance.filter((a) => !isTeacher(a)).map((a) => a.uid));
  const listed = await ctx.db
    .select({ uid: classStudents.studentUid })
    .from(classStudents)
    .where(eq(classStudents.teacherUid, c.hostUid));
  return { attendees: attended.size, class: new Set([...attended, ...listed.map((r) => r.uid)]).size };
}

export interface SharedPlayback {
  roomnum: number;
  title: string;
  hostUid: string;
  beginTime: number;
  endTime: number;
}

/**
 * Published playbacks of ended courses shared with the caller (they attended, or they are on the class list of a
 * course published to it), most recent first (the student page). One query: the candidates with their ties as
 * columns, then the rule.
 */
export async function listSharedPlaybacks(ctx: ServiceCtx, caller: Caller, limit = 50): Promise<SharedPlayback[]> {
  const entered = roomsEnteredBy(ctx, caller.uid);
  const listing = teachersListingSubquery(ctx, caller.uid);
  const rows = await ctx.db
    .select({
      roomnum: courses.roomnum,
      title: courses.title,
      hostUid: courses.hostUid,
      beginTime: courses.beginTime,
      endTime: courses.endTime,
      state: courses.state,
      playbackPublished: courses.playbackPublished,
      playbackAudience: courses.playbackAudience,
      // 1/0 rather than a boolean: the same value from both engines.
      attended: sql<number>`case when ${courses.roomnum} in ${entered} then 1 else 0 end`.mapWith(Number),
      listed: sql<number>`case when ${courses.hostUid} in ${listing} then 1 else 0 end`.mapWith(Number),
    })
    .from(courses)
    .where(
      and(
        eq(courses.appid, ctx.env.SDKAPPID),
        // This page lists published playbacks only (a teacher reviews their unpublished ones from the course list).
        eq(courses.playbackPublished, true),
        audienceCandidateWhere(ctx, caller.uid),
      ),
    )
    .orderBy(desc(courses.endTime), desc(courses.roomnum));
  return rows
    .filter((c) => mayViewPlayback(c, caller.uid, { attended: c.attended === 1, listed: c.listed === 1 }))
    .slice(0, limit)
    .map(({ roomnum, title, hostUid, beginTime, endTime }) => ({ roomnum, title, hostUid, beginTime, endTime }));
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
 * File references are as stored (`storage:<key>` or a foreign URL): the door builds URLs (timelineWithUrls).
 * Throws as getViewablePlayback.
 */
export async function playbackForViewer(
  ctx: ServiceCtx,
  caller: Caller,
  roomnum: number,
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
  const items = isTeacher ? tl.items : tl.items.filter((i) => i.kind !== 'join' && i.kind !== 'leave');
  return {
    course,
    isTeacher,
    playback: playbackStatus(course, recs.length, recordingWaitOf(ctx)),
    timeline: items,
    segments: recs.map((r) => ({
      recordingId: r.id,
      videoUrl: r.videoUrl,
      startTime: r.startTime,
      endTime: r.endTime,
      duration: r.duration,
    })),
  };
}

/**
 * The playback index each listed course shows this caller (`live/roomlist`), as stored, for the rooms the rule lets
 * them see; the rest are absent (the door answers ''). Runs after the cached page; costs one prepared attendance
 * query, and only when the page holds published playbacks of others' courses.
 */
export async function playbackIndexesFor(
  ctx: ServiceCtx,
  caller: Caller,
  rooms: readonly (PlaybackFacts & Pick<Course, 'playbackIdxUrl'>)[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const withIndex = rooms.filter((c) => c.playbackIdxUrl !== '');
  if (withIndex.length === 0) return out;
  const ok = await viewableRooms(ctx, caller, withIndex);
  for (const c of withIndex) if (ok.has(c.roomnum)) out.set(c.roomnum, c.playbackIdxUrl);
  return out;
}

/**
 * The media `vod/cmd_proxy` may show the caller (the same rule as playbacks): recordings of courses whose playback
 * they may see (their own courses, or published ones whose audience they are in), and the videos bound to their
 * library or to courses they teach. URLs are built at `base`.
 */
export async function visibleMedia(ctx: ServiceCtx, caller: Caller, base?: string): Promise<MediaView> {
  const candidates = await ctx.db
    .select({
      roomnum: courses.roomnum,
      hostUid: courses.hostUid,
      state: courses.state,
      playbackPublished: courses.playbackPublished,
      playbackAudience: courses.playbackAudience,
    })
    .from(courses)
    .where(
      and(
        eq(courses.appid, ctx.env.SDKAPPID),
        or(eq(courses.hostUid, caller.uid), audienceCandidateWhere(ctx, caller.uid)),
      ),
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
