/**
 * playbackRouter: reviewing an ended course. The teacher gets recordings, timeline, index status (with retry),
 * attendance and the publish switch with its audience; a student in the audience (attended, or on the class list of
 * a playback published to it) gets a published playback; nobody else gets anything (ROOM_NOT_FOUND). Rules: services/playback-access.ts; timeline and index: services/playback.ts (shared with the
 * index job, so what the console shows is what the index holds).
 */
import { z } from 'zod';
import { courseAttendance } from '../../services/course-events';
import { requeuePlaybackIndex, timelineWithUrls } from '../../services/playback';
import { coursePlaybackStatus } from '../../services/playback-status';
import { deleteRecording } from '../../services/recording-delete';
import {
  listSharedPlaybacks,
  playbackAudienceInput,
  playbackForViewer,
  playbackReach,
  setPlaybackPublished,
} from '../../services/playback-access';
import { authedProcedure, byRoomInput, courseProcedure, router } from '../init';
import { consoleUrlOf } from '../public-urls';

export const playbackRouter = router({
  /** Anyone allowed to watch (the teacher, or a student in the audience of a published playback). */
  view: authedProcedure.input(byRoomInput).query(async ({ ctx, input }) => {
    const p = await playbackForViewer(ctx.ctx, ctx.caller, input.roomnum);
    const urlOf = (stored: string) => consoleUrlOf(ctx, stored);
    const c = p.course;
    return {
      isTeacher: p.isTeacher,
      playback: p.playback,
      course: {
        roomnum: c.roomnum,
        title: c.title,
        hostUid: c.hostUid,
        state: c.state,
        beginTime: c.beginTime,
        endTime: c.endTime,
      },
      segments: p.segments.map((s) => ({ ...s, videoUrl: urlOf(s.videoUrl) })),
      timeline: timelineWithUrls(p.timeline, urlOf),
    };
  }),

  /**
   * The teacher's review extras: index status, attendance, the published flag and audience, and how many students
   * each audience would reach.
   */
  review: courseProcedure.query(async ({ ctx }) => {
    const c = ctx.course;
    const attendance = await courseAttendance(ctx.ctx, c.roomnum);
    return {
      playback: await coursePlaybackStatus(ctx.ctx, c),
      index: {
        status: c.indexStatus,
        attempts: c.indexAttempts,
        error: c.indexError,
        dueAt: c.indexDueAt,
        url: consoleUrlOf(ctx, c.playbackIdxUrl),
      },
      published: c.playbackPublished,
      audience: c.playbackAudience,
      reach: await playbackReach(ctx.ctx, c, attendance),
      attendance,
      now: ctx.ctx.clock.nowS(),
    };
  }),

  retryIndex: courseProcedure.mutation(({ ctx }) => requeuePlaybackIndex(ctx.ctx, ctx.course)),

  /** Removes one recording (row, local file when ours) and rebuilds the index; see services/recording-delete.ts. */
  deleteRecording: courseProcedure
    .input(z.object({ recordingId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }))
    .mutation(({ ctx, input }) => deleteRecording(ctx.ctx, ctx.course, input)),

  /** Publishes or withdraws; `audience` (attendees only, or the whole class list) stays as stored when omitted. */
  setPublished: courseProcedure
    .input(z.object({ published: z.boolean(), audience: playbackAudienceInput.optional() }))
    .mutation(({ ctx, input }) =>
      setPlaybackPublished(ctx.ctx, ctx.course, { published: input.published, audience: input.audience }),
    ),

  /** The student page: published playbacks shared with the caller (attended, or published to their class list). */
  shared: authedProcedure.query(({ ctx }) => listSharedPlaybacks(ctx.ctx, ctx.caller)),
});
