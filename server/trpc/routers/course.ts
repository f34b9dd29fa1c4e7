/**
 * courseRouter: the teacher's course list, details, create/edit/delete (state 0 only) and start/end: the same
 * services `live/create`, `live/startcourse` and `live/exitroom` call, so rules and IM messages are identical. `beat`
 * is the open course page's host heartbeat: the same recordHeartbeat as `live/heartbeat`.
 */
import { z } from 'zod';
import { listTeacherCourses, teacherCalendar } from '../../services/console-courses';
import { courseEnding } from '../../services/course-events';
import { createCourse, deleteCourse, endCourse, startCourse, updateCourse } from '../../services/courses';
import { hostBeatIntervalS, recordHeartbeat } from '../../services/members';
import { coursePlaybackStatus } from '../../services/playback-status';
import { COURSE_SEARCH_MAX, COURSE_TITLE_MAX } from '../../services/input-rules';
import {
  courseStateInput,
  courseTitleInput,
  unixTimeInput,
  plannedMinutesInput,
  plannedStartInput,
} from '../../services/schemas';
import { confirmUpload } from '../../services/uploads';
import { courseProcedure, teacherProcedure, router, type ConsoleContext } from '../init';
import { consoleUrlOf } from '../public-urls';

/** A cover image the browser uploaded with courseware.requestUpload (purpose 'cover'). */
const coverUploadInput = z.object({
  key: z.string().min(1).max(850),
  fileName: z.string().min(1).max(256),
  mime: z.string().min(1).max(255),
});

const courseListInput = z.object({
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(50).default(10),
  state: courseStateInput.optional(),
  q: z.string().max(COURSE_SEARCH_MAX).optional(),
  from: unixTimeInput.optional(),
  to: unixTimeInput.optional(),
  sort: z.enum(['recent', 'planned']).default('recent'),
});

/** The fields the console shows of a course (the cover as a URL for this request). */
function view(
  cx: ConsoleContext,
  c: {
    roomnum: number;
    title: string;
    cover: string;
    state: number;
    hostUid: string;
    createdAt: number;
    beginTime: number;
    endTime: number;
    indexStatus: string;
    playbackPublished: boolean;
    plannedStart: number | null;
    plannedMinutes: number | null;
  },
) {
  return {
    roomnum: c.roomnum,
    title: c.title,
    cover: consoleUrlOf(cx, c.cover),
    state: c.state,
    hostUid: c.hostUid,
    createdAt: c.createdAt,
    beginTime: c.beginTime,
    endTime: c.endTime,
    indexStatus: c.indexStatus,
    playbackPublished: c.playbackPublished,
    plannedStart: c.plannedStart,
    plannedMinutes: c.plannedMinutes,
  };
}

export const courseRouter = router({
  /** The course form's limits, from the schema constant the server validates with (no literal in the client). */
  limits: teacherProcedure.query(() => ({ titleMax: COURSE_TITLE_MAX })),

  list: teacherProcedure.input(courseListInput).query(async ({ ctx, input }) => {
    const r = await listTeacherCourses(ctx.ctx, ctx.caller, input);
    return {
      total: r.total,
      counts: r.counts,
      items: r.items.map((c) => ({ ...view(ctx, c), memsize: c.memsize, playback: c.playback })),
    };
  }),

  byId: courseProcedure.query(async ({ ctx }) => {
    const c = ctx.course;
    return {
      ...view(ctx, c),
      playback: await coursePlaybackStatus(ctx.ctx, c),
      /** Until when a missing recording is "waiting" (only meaningful once ended). */
      recordingDueBy: c.endTime + ctx.ctx.env.RECORDING_WAIT_S,
      ending: await courseEnding(ctx.ctx, c.roomnum),
      now: ctx.ctx.clock.nowS(),
    };
  }),

  /**
   * The teacher's open course page keeps its class alive: a host heartbeat (recordHeartbeat, the rule `live/heartbeat`
   * follows), then the course's state and when to beat next. Beating a course that is not live changes nothing that
   * matters (the sweeper only looks at live courses), so the page just stops when the state says so.
   */
  beat: courseProcedure.mutation(async ({ ctx }) => {
    const c = ctx.course;
    await recordHeartbeat(ctx.ctx, ctx.caller, c.roomnum);
    return { state: c.state, nextBeatS: hostBeatIntervalS(ctx.ctx.env) };
  }),

  create: teacherProcedure
    .input(
      z.object({
        title: courseTitleInput,
        cover: coverUploadInput.optional(),
        plannedStart: plannedStartInput.optional(),
        plannedMinutes: plannedMinutesInput.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const cover = input.cover
        ? (await confirmUpload(ctx.ctx, ctx.caller, { ...input.cover, purpose: 'cover' })).stored
        : undefined;
      return createCourse(ctx.ctx, ctx.caller, {
        title: input.title,
        cover,
        plannedStart: input.plannedStart,
        plannedMinutes: input.plannedMinutes,
      });
    }),

  update: courseProcedure
    .input(
      z.object({
        title: courseTitleInput.optional(),
        cover: coverUploadInput.optional(),
        removeCover: z.boolean().optional(),
        /** null clears the plan; absent leaves it. */
        plannedStart: plannedStartInput.nullable().optional(),
        plannedMinutes: plannedMinutesInput.nullable().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      // courseProcedure read the course first, so someone else's course is refused before any upload is looked at.
      const c = ctx.course;
      const cover = input.cover
        ? (await confirmUpload(ctx.ctx, ctx.caller, { ...input.cover, purpose: 'cover' })).stored
        : input.removeCover
          ? ''
          : undefined;
      const plan = { plannedStart: input.plannedStart, plannedMinutes: input.plannedMinutes };
      return view(ctx, await updateCourse(ctx.ctx, c, { title: input.title, cover, ...plan }));
    }),

  delete: courseProcedure.mutation(({ ctx }) => deleteCourse(ctx.ctx, ctx.course)),

  start: courseProcedure.mutation(({ ctx }) => startCourse(ctx.ctx, ctx.course, { timeStamp: ctx.ctx.clock.nowS() })),

  end: courseProcedure.mutation(({ ctx }) => endCourse(ctx.ctx, ctx.course, { timeStamp: ctx.ctx.clock.nowS() })),

  /** The week calendar: courses placed by planned start (drafts) or begin_time, in [from, to). */
  calendar: teacherProcedure
    .input(z.object({ from: unixTimeInput, to: unixTimeInput }))
    .query(({ ctx, input }) => teacherCalendar(ctx.ctx, ctx.caller, input)),
});
