/**
 * The sweeper: ends live courses whose teacher went silent, exits students who went silent, and deletes membership
 * rows of long-ended courses. Every change is a conditional UPDATE/DELETE (… WHERE state = 1 AND last_heartbeat <
 * cutoff), so two processes sweeping at once cannot apply the same change twice.
 */
import { and, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { inTransaction } from '../../db/client';
import { courses, members } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { IM_MSG } from '../integrations/im/types';
import { appendEvents } from '../services/course-events';
import { closeCourseTx, imPayload } from '../services/courses';
import { COURSE_STATE, ENDED_STATES } from '../services/schemas';

const BATCH = 1000;

export interface SweepResult {
  coursesEnded: number[];
  membersTimedOut: number;
  membershipsDeleted: number;
}

export async function sweepDeadRooms(ctx: ServiceCtx): Promise<SweepResult> {
  const now = ctx.clock.nowS();
  const result: SweepResult = { coursesEnded: [], membersTimedOut: 0, membershipsDeleted: 0 };

  // 1. Live courses whose teacher sent no heartbeat for COURSE_DEAD_S: ended as if the teacher had ended them.
  const courseCutoff = now - ctx.env.COURSE_DEAD_S;
  for (;;) {
    const dead = await ctx.db
      .select({ roomnum: courses.roomnum, hostUid: courses.hostUid })
      .from(courses)
      .where(and(eq(courses.state, COURSE_STATE.LIVE), lt(courses.lastHeartbeat, courseCutoff)))
      .limit(BATCH);
    if (dead.length === 0) break;
    for (const c of dead) {
      // Claim first (conditional on still being silent), then announce: only the process that won sends IM 1002.
      const claimed = inTransaction(ctx.db, (tx) => {
        const still = tx
          .select({ lastHeartbeat: courses.lastHeartbeat })
          .from(courses)
          .where(
            and(
              eq(courses.roomnum, c.roomnum),
              eq(courses.state, COURSE_STATE.LIVE),
              lt(courses.lastHeartbeat, courseCutoff),
            ),
          )
          .get();
        // The teacher's last heartbeat goes with the end event: the console says how long the silence was.
        return (
          still !== undefined &&
          closeCourseTx(tx, ctx, c, now, 'ended_by_sweeper', 0, { lastHeartbeat: still.lastHeartbeat })
        );
      });
      if (!claimed) continue;
      result.coursesEnded.push(c.roomnum);
      await settleEndImseq(ctx, c.roomnum, c.hostUid, now);
    }
    if (dead.length < BATCH) break;
  }

  // 2. Students silent for MEMBER_DEAD_S in live courses: marked exited (the teacher's silence is step 1's business).
  const memberCutoff = now - ctx.env.MEMBER_DEAD_S;
  for (;;) {
    const changed = inTransaction(ctx.db, (tx) => {
      const silent = tx
        .select({
          roomnum: members.roomnum,
          uid: members.uid,
          role: members.role,
          lastHeartbeat: members.lastHeartbeat,
        })
        .from(members)
        .innerJoin(courses, eq(courses.roomnum, members.roomnum))
        .where(
          and(
            isNull(members.exitedAt),
            lt(members.lastHeartbeat, memberCutoff),
            eq(courses.state, COURSE_STATE.LIVE),
            ne(members.uid, courses.hostUid),
          ),
        )
        .limit(BATCH)
        .all();
      for (const m of silent) {
        tx.update(members)
          .set({ exitedAt: now })
          .where(and(eq(members.roomnum, m.roomnum), eq(members.uid, m.uid), isNull(members.exitedAt)))
          .run();
      }
      appendEvents(
        tx,
        silent.map((m) => ({
          roomnum: m.roomnum,
          at: now,
          kind: 'member_timeout' as const,
          uid: m.uid,
          role: m.role,
          detail: { lastHeartbeat: m.lastHeartbeat },
        })),
      );
      return silent.length;
    });
    result.membersTimedOut += changed;
    if (changed < BATCH) break;
  }

  // 3. Membership rows of courses ended more than MEMBER_RETENTION_S ago (the event log keeps the history).
  const old = ctx.db
    .select({ roomnum: courses.roomnum })
    .from(courses)
    .where(
      and(
        inArray(courses.state, ENDED_STATES),
        sql`${courses.endTime} > 0`,
        lt(courses.endTime, now - ctx.env.MEMBER_RETENTION_S),
      ),
    );
  const del = await ctx.db.delete(members).where(inArray(members.roomnum, old));
  result.membershipsDeleted = del.changes;

  if (result.coursesEnded.length || result.membersTimedOut || result.membershipsDeleted) {
    ctx.log.info(result, 'sweep');
  }
  return result;
}

/** Sends IM 1002 for a course the sweeper ended; without IM, end_imseq falls back to the last seq we know of. */
async function settleEndImseq(ctx: ServiceCtx, roomnum: number, hostUid: string, now: number): Promise<void> {
  let seq: number;
  try {
    seq = (
      await ctx.im.sendGroupCustom(
        String(roomnum),
        imPayload(ctx, IM_MSG.COURSE_ENDED, now, { uid: hostUid, reason: 'timeout' }),
      )
    ).msgSeq;
  } catch (e) {
    ctx.log.warn(
      { roomnum, err: (e as Error).message },
      'sweeper: IM 1002 failed; using the last known seq as end_imseq',
    );
    const row = ctx.db.$client
      .prepare<[string], { seq: number | null }>('SELECT MAX(msg_seq) AS seq FROM im_messages WHERE group_id = ?')
      .get(String(roomnum));
    const c = await ctx.db.query.courses.findFirst({
      columns: { beginImseq: true },
      where: eq(courses.roomnum, roomnum),
    });
    seq = Math.max(row?.seq ?? 0, c?.beginImseq ?? 0);
  }
  await ctx.db.update(courses).set({ endImseq: seq }).where(eq(courses.roomnum, roomnum));
}
