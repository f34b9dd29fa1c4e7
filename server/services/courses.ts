/**
 * Courses: create, start, end (closeCourseTx, which the sweeper shares), edit, delete, each written once for both
 * doors: the legacy commands (`live/create|startcourse|exitroom`) and the console call these functions. The state
 * names and what each state allows are in course-state.ts (COURSE_STATE, canStart, canEnd, canEdit, canEditFiles); an
 * ended course becomes PLAYBACK when its index is built (jobs/build-playback-index.ts over playback-build.ts). The
 * list (`live/roomlist`) is in course-list.ts.
 */
import { and, count, eq, gt, min } from 'drizzle-orm';
import { first, inTransaction, type Tx } from '../../db/client';
import { greatest } from '../../db/dialect';
import { boundFiles, courses, members, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { IM_MSG } from '../integrations/im/types';
import { storedRefOfUrl } from '../integrations/storage/stored-ref';
import { type TaughtCourse, type Teacher } from './course-access';
import { appendEvents, type CourseEventKind } from './course-events';
import { canEdit, canEnd, canStart, COURSE_STATE, ROLE } from './course-state';
import { imPayload, sendCourseIm } from './course-im';
import { leaveRoomTx } from './leave-room';
import { queueIndexTx } from './playback-build';

/**
 * A member's role in a course's room: 1 for the course's host only, 0 for everyone else, whatever their account role
 * (a teacher visiting another teacher's class is a listener there). Used when seating the host and on reportmemid.
 */
export function memberRole(c: Pick<Course, 'hostUid'>, uid: string): number {
  return c.hostUid === uid ? ROLE.TEACHER : ROLE.STUDENT;
}

/** A cover as stored: '' for none; a URL of this server's storage becomes its key (stored-ref.ts). Throws BAD_INPUT. */
function coverRef(ctx: ServiceCtx, cover: string | undefined, base?: string): string {
  return cover ? storedRefOfUrl(ctx.storage, ctx.env, cover, base) : '';
}

/** Creates a course in state 0, hosted by `teacher`. Callers: `live/create`, console. */
export async function createCourse(
  ctx: ServiceCtx,
  teacher: Teacher,
  input: { title: string; cover?: string; plannedStart?: number; plannedMinutes?: number },
  base?: string,
): Promise<{ roomnum: number; groupid: string }> {
  const now = ctx.clock.nowS();
  if (input.plannedStart !== undefined) assertPlannedStart(input.plannedStart, now);
  assertLengthHasStart(input.plannedStart ?? null, input.plannedMinutes ?? null);
  const roomnum = await inTransaction(ctx.db, async (tx) => {
    await assertCreateQuota(ctx, tx, teacher.uid, now);
    // The room number is the table's identity / autoincrement: never reissued, even after a delete.
    const [row] = await tx
      .insert(courses)
      .values({
        appid: ctx.env.SDKAPPID,
        hostUid: teacher.uid,
        title: input.title,
        cover: coverRef(ctx, input.cover, base),
        createdAt: now,
        listTime: now,
        plannedStart: input.plannedStart ?? null,
        plannedMinutes: input.plannedMinutes ?? null,
      })
      .returning({ roomnum: courses.roomnum });
    await appendEvents(tx, [{ roomnum: row!.roomnum, at: now, kind: 'created', uid: teacher.uid, role: teacher.role }]);
    return row!.roomnum;
  });
  return { roomnum, groupid: String(roomnum) };
}

/** The window COURSE_CREATE_PER_DAY counts over. */
const CREATE_QUOTA_WINDOW_S = 24 * 3600;

/**
 * Throws RATE_LIMITED (with retryAfterS: when the oldest course in the window leaves it) once the teacher has created
 * COURSE_CREATE_PER_DAY courses in the last 24 h, on either door. Why: one account looping `course.create` filled
 * every roomlist; 500 a day still lets a teacher schedule a whole term at once. Counted inside the create's
 * transaction (on SQLite it holds the write lock, so parallel creates cannot slip past; on PostgreSQL at most the
 * pool's parallel creates can). Deleted courses no longer count.
 */
async function assertCreateQuota(ctx: ServiceCtx, tx: Tx, hostUid: string, now: number): Promise<void> {
  const limit = ctx.env.COURSE_CREATE_PER_DAY;
  const since = now - CREATE_QUOTA_WINDOW_S;
  const [row] = await tx
    .select({ n: count(), oldest: min(courses.createdAt) })
    .from(courses)
    .where(and(eq(courses.hostUid, hostUid), gt(courses.createdAt, since)));
  if (!row || row.n < limit) return;
  const oldest = Number(row.oldest ?? now);
  const retryAfterS = Math.max(1, oldest + CREATE_QUOTA_WINDOW_S - now);
  throw new AppError('RATE_LIMITED', `at most ${limit} new courses in 24 h, retry in ${retryAfterS} s`, {
    retryAfterS,
  });
}

/** How far from now a planned start may be set: a little in the past (a form filled slowly), at most a year ahead. */
export const PLANNED_START_BOUNDS = { PAST_S: 24 * 3600, FUTURE_S: 366 * 24 * 3600 } as const;

/** Throws BAD_INPUT (naming the field and the bound) when a newly set planned start is not within PLANNED_START_BOUNDS. */
function assertPlannedStart(at: number, now: number): void {
  if (at < now - PLANNED_START_BOUNDS.PAST_S)
    throw new AppError('BAD_INPUT', `plannedStart: must be at most ${PLANNED_START_BOUNDS.PAST_S / 3600} hours ago`);
  if (at > now + PLANNED_START_BOUNDS.FUTURE_S)
    throw new AppError(
      'BAD_INPUT',
      `plannedStart: must be at most ${PLANNED_START_BOUNDS.FUTURE_S / 86400} days ahead`,
    );
}

/**
 * A length alone says nothing a student can act on ("50 min" — from when?), and the lists and calendar place
 * courses by their start: a planned length needs a planned start. Throws BAD_INPUT naming plannedMinutes.
 */
function assertLengthHasStart(start: number | null, minutes: number | null): void {
  if (minutes !== null && start === null) throw new AppError('BAD_INPUT', 'plannedMinutes: needs a planned start');
}

/**
 * Starts a course its teacher is starting (the door made `c`, course-access.ts), only from state 0. Sends IM 1001 first
 * (network before the transaction; failure → IM_SEND_FAILED and nothing changes), then one transaction sets state 1,
 * begin_time/imseq and seats the teacher. Throws COURSE_STATE, IM_SEND_FAILED. Callers: `live/startcourse`, console.
 */
export async function startCourse(ctx: ServiceCtx, c: TaughtCourse, input: { timeStamp: number }): Promise<void> {
  const uid = c.hostUid;
  if (!canStart(c)) throw new AppError('COURSE_STATE', 'course can only be started once, from state 0');
  const seq = await sendCourseIm(
    ctx,
    String(c.roomnum),
    imPayload(ctx, IM_MSG.COURSE_STARTED, input.timeStamp, { uid }),
    uid,
  );
  const now = ctx.clock.nowS();
  await inTransaction(ctx.db, async (tx) => {
    const r = await tx
      .update(courses)
      .set({
        state: COURSE_STATE.LIVE,
        beginTime: now,
        beginImseq: seq,
        lastHeartbeat: now,
        listTime: greatest(tx, courses.createdAt, now),
      })
      .where(and(eq(courses.roomnum, c.roomnum), eq(courses.state, COURSE_STATE.CREATED)))
      .returning({ roomnum: courses.roomnum });
    // Another request started it between our read and this write (the IM message went out twice; Tencent allows it).
    if (r.length === 0) throw new AppError('COURSE_STATE', 'course was started concurrently');
    await tx
      .insert(members)
      .values({
        roomnum: c.roomnum,
        uid,
        role: ROLE.TEACHER,
        joinedAt: now,
        lastHeartbeat: now,
        exitedAt: null,
      })
      .onConflictDoUpdate({
        target: [members.roomnum, members.uid],
        set: { role: ROLE.TEACHER, joinedAt: now, lastHeartbeat: now, exitedAt: null },
      });
    await appendEvents(tx, [
      { roomnum: c.roomnum, at: now, kind: 'started', uid, role: ROLE.TEACHER },
      { roomnum: c.roomnum, at: now, kind: 'member_enter', uid, role: ROLE.TEACHER },
    ]);
  });
}

/**
 * Ends a live course inside `tx`: state 2, end time, every member still in the room exited (each with an event),
 * the course queued for playback indexing. Returns false if the course was not live (someone else ended it).
 * Shared by the teacher's `endCourse` and the sweeper, so both end a course the same way.
 */
export async function closeCourseTx(
  tx: Tx,
  ctx: ServiceCtx,
  c: { roomnum: number; hostUid: string },
  at: number,
  kind: Extract<CourseEventKind, 'ended' | 'ended_by_sweeper'>,
  endImseq: number,
  /** Kept with the end event; the sweeper records the teacher's last heartbeat (why it ended: course-events.ts endingOf). */
  detail?: { lastHeartbeat: number },
): Promise<boolean> {
  const r = await tx
    .update(courses)
    .set({ state: COURSE_STATE.ENDED, endTime: at, endImseq })
    .where(and(eq(courses.roomnum, c.roomnum), eq(courses.state, COURSE_STATE.LIVE)))
    .returning({ roomnum: courses.roomnum });
  if (r.length === 0) return false;
  await queueIndexTx(tx, c.roomnum, at + ctx.env.REPLAY_INDEX_DELAY_S);
  await leaveRoomTx(tx, c.roomnum, 'everyone', at, 'exit');
  await appendEvents(tx, [{ roomnum: c.roomnum, at, kind, uid: c.hostUid, role: ROLE.TEACHER, detail }]);
  return true;
}

/**
 * Ends a live course its teacher is ending (`c` from the door, course-access.ts), only from state 1. IM 1002 first (its
 * MsgSeq is end_imseq), then one transaction. Throws COURSE_STATE, IM_SEND_FAILED. Callers: `live/exitroom`, console.
 */
export async function endCourse(ctx: ServiceCtx, c: TaughtCourse, input: { timeStamp: number }): Promise<void> {
  if (!canEnd(c)) throw new AppError('COURSE_STATE', 'only a live course can be ended');
  const seq = await sendCourseIm(
    ctx,
    String(c.roomnum),
    imPayload(ctx, IM_MSG.COURSE_ENDED, input.timeStamp, { uid: c.hostUid }),
    c.hostUid,
  );
  const now = ctx.clock.nowS();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await closeCourseTx(tx, ctx, c, now, 'ended', seq)))
      throw new AppError('COURSE_STATE', 'course was ended concurrently');
  });
}

/**
 * Edits a course's title and/or cover: its own teacher (the row taughtCourse resolved at the door, so the console reads
 * it once, before confirming a cover upload), only while it has not started (state 0).
 * Throws COURSE_STATE, BAD_INPUT. Caller: console.
 */
export async function updateCourse(
  ctx: ServiceCtx,
  c: TaughtCourse,
  input: {
    title?: string;
    cover?: string;
    plannedStart?: number | null;
    plannedMinutes?: number | null;
  },
): Promise<Course> {
  if (!canEdit(c)) throw new AppError('COURSE_STATE', 'only a course that has not started can be edited');
  const set: Partial<Pick<Course, 'title' | 'cover' | 'plannedStart' | 'plannedMinutes'>> = {};
  if (input.title !== undefined) set.title = input.title;
  if (input.cover !== undefined) set.cover = coverRef(ctx, input.cover);
  // An unchanged planned start is not re-checked: a draft planned for yesterday can still be renamed.
  if (input.plannedStart !== undefined && input.plannedStart !== c.plannedStart) {
    if (input.plannedStart !== null) assertPlannedStart(input.plannedStart, ctx.clock.nowS());
    set.plannedStart = input.plannedStart;
  }
  if (input.plannedMinutes !== undefined) set.plannedMinutes = input.plannedMinutes;
  const start = set.plannedStart !== undefined ? set.plannedStart : c.plannedStart;
  // Clearing the start without saying anything of the length clears the length too (it meant "from that start").
  if (start === null && input.plannedMinutes === undefined && c.plannedMinutes !== null) set.plannedMinutes = null;
  assertLengthHasStart(start, set.plannedMinutes !== undefined ? set.plannedMinutes : c.plannedMinutes);
  if (Object.keys(set).length === 0) return c;
  const row = await inTransaction(ctx.db, async (tx) =>
    first(
      await tx
        .update(courses)
        .set(set)
        .where(and(eq(courses.roomnum, c.roomnum), eq(courses.state, COURSE_STATE.CREATED)))
        .returning(),
    ),
  );
  if (!row) throw new AppError('COURSE_STATE', 'course was started concurrently');
  return row;
}

/**
 * Deletes a course that never started (state 0), for its teacher (`c` from the door). Its event log and memberships
 * go with it (foreign-key cascade), its bound courseware rows too, in one transaction. Throws COURSE_STATE. Caller:
 * console.
 */
export async function deleteCourse(ctx: ServiceCtx, c: TaughtCourse): Promise<void> {
  if (!canEdit(c)) throw new AppError('COURSE_STATE', 'only a course that never started can be deleted');
  await inTransaction(ctx.db, async (tx) => {
    const r = await tx
      .delete(courses)
      .where(and(eq(courses.roomnum, c.roomnum), eq(courses.state, COURSE_STATE.CREATED)))
      .returning({ roomnum: courses.roomnum });
    if (r.length === 0) throw new AppError('COURSE_STATE', 'course was started concurrently');
    await tx.delete(boundFiles).where(eq(boundFiles.roomnum, c.roomnum));
  });
}
