/**
 * Who may act on a course: the one decision, for both doors. Every service that works on "the caller's course" asks
 * `courseFor` once (and hands the row on instead of reading it again); routers and legacy commands only say which
 * door they are. `getCourse` (existence in this appid only) is for what any signed-in account may do with a room:
 * enter, beat, list members. Playback viewing is a different rule (students who attended): playback-access.ts.
 *
 * What a caller may do (`need`):
 * - 'teach': act as the course's teacher (start, end, edit, delete, files, recordings, playback switches, signing
 *   storage under courses/<roomnum>/). Only the course's host.
 * - 'read':  see the course and its files. Legacy: any signed-in account of the appid (students need the courseware in
 *   class, `live/querybind`). Console: only the course's host, exactly as 'teach' (the console shows a course to its
 *   teacher only).
 *
 * What a refusal looks like (`door`):
 * - 'legacy' (the 2017 protocol, codes as its clients know them): a missing room is ROOM_NOT_FOUND, someone else's
 *   course is NO_PRIVILEGE (legacy 10101), whatever the caller's role.
 * - 'console' (tRPC and console HTTP routes): a caller who is not a teacher is NO_PRIVILEGE (the console is for
 *   teachers); for a teacher, a missing room and another teacher's course are both ROOM_NOT_FOUND (tRPC NOT_FOUND),
 *   so guessing room numbers tells nothing about others' courses.
 */
import { and, eq } from 'drizzle-orm';
import { courses, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { ROLE } from './course-state';
import { type Caller } from './schemas';

/** The course, if it exists in this appid, whoever asks (the rooms everyone may see, e.g. to join). Throws ROOM_NOT_FOUND. */
export async function getCourse(ctx: ServiceCtx, roomnum: number): Promise<Course> {
  const c = await ctx.db.query.courses.findFirst({
    where: and(eq(courses.roomnum, roomnum), eq(courses.appid, ctx.env.SDKAPPID)),
  });
  if (!c) throw new AppError('ROOM_NOT_FOUND');
  return c;
}

/** Which door asks; decides only what a refusal looks like (see the header). */
export type Door = 'legacy' | 'console';

/** What the caller wants to do with the course (see the header). */
export type CourseNeed = 'teach' | 'read';

export interface CourseAsk {
  need: CourseNeed;
  door: Door;
}

declare const TAUGHT: unique symbol;
/**
 * A course row courseFor let the caller 'teach'. Only courseFor makes one, so a service handed one (instead of a room
 * number) acts on it without reading or checking it again.
 */
export type TaughtCourse = Course & { readonly [TAUGHT]: true };

/**
 * The course `roomnum` (of this appid) if `caller` may do `need` with it; one read. Throws ROOM_NOT_FOUND,
 * NO_PRIVILEGE as the door's policy says (header).
 */
export async function courseFor(
  ctx: ServiceCtx,
  caller: Caller,
  roomnum: number,
  ask: CourseAsk & { need: 'teach' },
): Promise<TaughtCourse>;
export async function courseFor(ctx: ServiceCtx, caller: Caller, roomnum: number, ask: CourseAsk): Promise<Course>;
export async function courseFor(ctx: ServiceCtx, caller: Caller, roomnum: number, ask: CourseAsk): Promise<Course> {
  if (ask.door === 'console' && caller.role !== ROLE.TEACHER)
    throw new AppError('NO_PRIVILEGE', 'the console is for teachers');
  const c = await getCourse(ctx, roomnum);
  const hostOnly = ask.need === 'teach' || ask.door === 'console';
  if (hostOnly && c.hostUid !== caller.uid) {
    throw ask.door === 'console' ? new AppError('ROOM_NOT_FOUND') : new AppError('NO_PRIVILEGE');
  }
  // The overloads promise a TaughtCourse only for need 'teach', which the check above just granted.
  return ask.need === 'teach' ? (c as TaughtCourse) : c;
}
