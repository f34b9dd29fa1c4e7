/**
 * Who may act on a course, as values a door makes once and hands to the services (which then cannot be called
 * without them):
 * - `Teacher`: a caller whose account is a teacher's. Made only by `teacherOf` (and `asTeacher`, which throws): the console's teacherProcedure, the
 *   console HTTP routes' door (console-http/door.ts) and legacy entries declared `auth: 'teacher'` make one per
 *   request; services that only teachers may use take a `Teacher` instead of re-checking the role.
 * - `TaughtCourse`: a course row its caller teaches. Made only by `taughtCourse` (one read); a service handed one acts
 *   on it without reading or checking it again (its writes still guard the state they expect, in the transaction).
 * - `getCourse`: existence in this appid only, for what any signed-in account may do with a room on the legacy door:
 *   enter, beat, list members, read the bound courseware (students need it in class, `live/querybind`).
 *
 * A refusal is a domain fact, not a door's wording: ROOM_NOT_FOUND (no such room), NOT_YOUR_COURSE (someone else's
 * course), NO_PRIVILEGE (not a teacher). How each looks is the door's error table: the legacy protocol answers
 * NOT_YOUR_COURSE as 10101 like any missing privilege; the console shows it exactly like a missing room
 * (trpc/error-map.ts, console-http/door.ts), so guessing room numbers tells a teacher nothing about others' courses.
 * Playback viewing is a different rule (students who attended, or the class list): playback-access.ts.
 */
import { and, eq } from 'drizzle-orm';
import { courses, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { isTeacher } from './course-state';
import { type Caller } from './schemas';

declare const TEACHER: unique symbol;
/** A caller `asTeacher` found to be a teacher (see the header). */
export type Teacher = Caller & { readonly [TEACHER]: true };

/** The caller as a `Teacher`, or null when the account is not a teacher's. The one place that decides "teachers only". */
export function teacherOf(caller: Caller): Teacher | null {
  // The brand records the check just made; nothing else makes one.
  return isTeacher(caller) ? (caller as Teacher) : null;
}

/** teacherOf for doors that refuse in the domain's vocabulary: NO_PRIVILEGE with `refusal` (what the caller tried). */
export function asTeacher(caller: Caller, refusal = 'only teachers may do this'): Teacher {
  const teacher = teacherOf(caller);
  if (!teacher) throw new AppError('NO_PRIVILEGE', refusal);
  return teacher;
}

/** The course, if it exists in this appid, whoever asks (the rooms everyone may see, e.g. to join). Throws ROOM_NOT_FOUND. */
export async function getCourse(ctx: ServiceCtx, roomnum: number): Promise<Course> {
  const c = await ctx.db.query.courses.findFirst({
    where: and(eq(courses.roomnum, roomnum), eq(courses.appid, ctx.env.SDKAPPID)),
  });
  if (!c) throw new AppError('ROOM_NOT_FOUND');
  return c;
}

declare const TAUGHT: unique symbol;
/** A course row `taughtCourse` found its caller to teach (see the header). */
export type TaughtCourse = Course & { readonly [TAUGHT]: true };

/** The course `roomnum` of this appid if `caller` is its teacher; one read. Throws ROOM_NOT_FOUND, NOT_YOUR_COURSE. */
export async function taughtCourse(ctx: ServiceCtx, caller: Caller, roomnum: number): Promise<TaughtCourse> {
  const c = await getCourse(ctx, roomnum);
  if (c.hostUid !== caller.uid) throw new AppError('NOT_YOUR_COURSE');
  // The brand records the host check just made; nothing else makes one.
  return c as TaughtCourse;
}
