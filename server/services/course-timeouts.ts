/**
 * Silence rules the sweeper (server/jobs/sweep-dead-rooms.ts) applies: which live courses lost their teacher, which
 * students went silent, which memberships are old enough to drop, and how each is settled. Every change is conditional
 * (… WHERE state = 1 AND last_heartbeat < cutoff, … exited_at IS NULL), so two processes sweeping at once cannot apply
 * the same change twice. The job decides the order, the batches and the logging.
 */
import { and, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { first, inTransaction } from '../../db/client';
import { courses, members } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { lastLoggedSeq } from '../integrations/im/message-log';
import { IM_MSG } from '../integrations/im/types';
import { imPayload } from './course-im';
import { closeCourseTx } from './courses';
import { leaveRoomTx } from './leave-room';
import { COURSE_STATE, ENDED_STATES } from './course-state';

export interface SilentCourse {
  roomnum: number;
  hostUid: string;
}

/** Up to `limit` live courses whose teacher sent no heartbeat since before `cutoff`. */
export async function findSilentCourses(ctx: ServiceCtx, cutoff: number, limit: number): Promise<SilentCourse[]> {
  return ctx.db
    .select({ roomnum: courses.roomnum, hostUid: courses.hostUid })
    .from(courses)
    .where(and(eq(courses.state, COURSE_STATE.LIVE), lt(courses.lastHeartbeat, cutoff)))
    .limit(limit);
}

/**
 * Ends a silent course as if its teacher had (closeCourseTx, event 'ended_by_sweeper' with the teacher's last
 * heartbeat, so the console can say how long the silence was) — in one transaction, only if it is still live and
 * still silent. True when this call ended it: only the process that won goes on to announce it.
 */
export async function endSilentCourse(ctx: ServiceCtx, c: SilentCourse, cutoff: number, now: number): Promise<boolean> {
  return inTransaction(ctx.db, async (tx) => {
    const still = first(
      await tx
        .select({ lastHeartbeat: courses.lastHeartbeat })
        .from(courses)
        .where(
          and(eq(courses.roomnum, c.roomnum), eq(courses.state, COURSE_STATE.LIVE), lt(courses.lastHeartbeat, cutoff)),
        )
        .limit(1),
    );
    return (
      still !== undefined &&
      (await closeCourseTx(tx, ctx, c, now, 'ended_by_sweeper', 0, { lastHeartbeat: still.lastHeartbeat }))
    );
  });
}

/**
 * Announces a course endSilentCourse ended: IM 1002 (reason timeout), whose MsgSeq becomes end_imseq. Without IM,
 * end_imseq falls back to the last seq the server knows of (its IM log, at least begin_imseq), so the playback index
 * can still be built.
 */
export async function announceSilentCourseEnd(ctx: ServiceCtx, c: SilentCourse, now: number): Promise<void> {
  let seq: number;
  try {
    seq = (
      await ctx.im.sendGroupCustom(
        String(c.roomnum),
        imPayload(ctx, IM_MSG.COURSE_ENDED, now, { uid: c.hostUid, reason: 'timeout' }),
      )
    ).msgSeq;
  } catch (e) {
    ctx.log.warn(
      { roomnum: c.roomnum, err: (e as Error).message },
      'sweeper: IM 1002 failed; using the last known seq as end_imseq',
    );
    const logged = await lastLoggedSeq(ctx.db, String(c.roomnum));
    const row = await ctx.db.query.courses.findFirst({
      columns: { beginImseq: true },
      where: eq(courses.roomnum, c.roomnum),
    });
    seq = Math.max(logged, row?.beginImseq ?? 0);
  }
  await inTransaction(ctx.db, (tx) => tx.update(courses).set({ endImseq: seq }).where(eq(courses.roomnum, c.roomnum)));
}

/**
 * Times out up to `limit` students silent since before `cutoff` in live courses (the teacher's silence is the course's
 * business: findSilentCourses), in one transaction: each leaves the room (leaveRoomTx, reason timeout). Returns how
 * many left; fewer than `limit` means none are left.
 */
export async function timeOutSilentMembers(
  ctx: ServiceCtx,
  cutoff: number,
  now: number,
  limit: number,
): Promise<number> {
  return inTransaction(ctx.db, async (tx) => {
    const silent = await tx
      .select({ roomnum: members.roomnum, uid: members.uid })
      .from(members)
      .innerJoin(courses, eq(courses.roomnum, members.roomnum))
      .where(
        and(
          isNull(members.exitedAt),
          lt(members.lastHeartbeat, cutoff),
          eq(courses.state, COURSE_STATE.LIVE),
          ne(members.uid, courses.hostUid),
        ),
      )
      .limit(limit);
    let left = 0;
    for (const m of silent) left += (await leaveRoomTx(tx, m.roomnum, { uid: m.uid }, now, 'timeout')).length;
    return left;
  });
}

/** Deletes the membership rows of courses that ended before `endedBefore` (the event log keeps the history). */
export async function deleteOldMemberships(ctx: ServiceCtx, endedBefore: number): Promise<number> {
  return inTransaction(ctx.db, async (tx) => {
    const old = tx
      .select({ roomnum: courses.roomnum })
      .from(courses)
      .where(and(inArray(courses.state, ENDED_STATES), sql`${courses.endTime} > 0`, lt(courses.endTime, endedBefore)));
    const del = await tx.delete(members).where(inArray(members.roomnum, old)).returning({ roomnum: members.roomnum });
    return del.length;
  });
}
