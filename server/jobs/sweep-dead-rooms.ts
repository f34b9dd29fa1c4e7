/**
 * The sweeper: ends live courses whose teacher went silent, exits students who went silent, and deletes membership
 * rows of long-ended courses. Orchestration only — what to do, in what order, in batches of 1000; the rules and their
 * conditional writes (… WHERE state = 1 AND last_heartbeat < cutoff, so two processes sweeping at once cannot apply
 * the same change twice) are services/course-timeouts.ts.
 */
import type { ServiceCtx } from '../context';
import {
  announceSilentCourseEnd,
  deleteOldMemberships,
  endSilentCourse,
  findSilentCourses,
  timeOutSilentMembers,
} from '../services/course-timeouts';

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
    const dead = await findSilentCourses(ctx, courseCutoff, BATCH);
    if (dead.length === 0) break;
    for (const c of dead) {
      // Claim first (conditional on still being silent), then announce: only the process that won sends IM 1002.
      if (!(await endSilentCourse(ctx, c, courseCutoff, now))) continue;
      result.coursesEnded.push(c.roomnum);
      await announceSilentCourseEnd(ctx, c, now);
    }
    if (dead.length < BATCH) break;
  }

  // 2. Students silent for MEMBER_DEAD_S in live courses: marked exited, one transaction per batch.
  const memberCutoff = now - ctx.env.MEMBER_DEAD_S;
  for (;;) {
    const changed = await timeOutSilentMembers(ctx, memberCutoff, now, BATCH);
    result.membersTimedOut += changed;
    if (changed < BATCH) break;
  }

  // 3. Membership rows of courses ended more than MEMBER_RETENTION_S ago.
  result.membershipsDeleted = await deleteOldMemberships(ctx, now - ctx.env.MEMBER_RETENTION_S);

  if (result.coursesEnded.length || result.membersTimedOut || result.membershipsDeleted) {
    ctx.log.info(result, 'sweep');
  }
  return result;
}
