/**
 * The playback index's build state on the course row (index_status 'none' → 'pending' → 'ready' | 'failed', with
 * index_due_at / index_attempts / index_error), written here and nowhere else: queueing a build (a course's end, a
 * late recording, the console's retry, a deleted recording), marking the playback ready (our own job, or Tencent's
 * replay-index callback), and the job's due list, claim and failure record. The steps that may share a transaction
 * with other writes take the caller's `tx`. The job deciding when and in what order is server/jobs/build-playback-index.ts.
 * A leaf module (no service imports) so courses.ts, recordings.ts and playback.ts can all use it without a cycle.
 */
import { and, asc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { first, inTransaction, type Tx } from '../../db/client';
import { courses, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { COURSE_STATE, ENDED_STATES } from './course-state';

/**
 * Which courses a queue request applies to. `ended`: any ended course (its end, the console's retry, a deleted
 * recording). `built`: only an ended course whose index was already built or gave up (a late recording: a build
 * still pending picks it up anyway and keeps its due time; a course not yet ended is queued when it ends).
 */
export type IndexQueueScope = 'ended' | 'built';

/**
 * Queues the course's playback index for (re)building at `dueAt` with a fresh attempt budget, inside the caller's
 * transaction. False when the course is not in `scope` (nothing changed).
 */
export async function queueIndexTx(
  tx: Tx,
  roomnum: number,
  dueAt: number,
  scope: IndexQueueScope = 'ended',
): Promise<boolean> {
  const conds: SQL[] = [eq(courses.roomnum, roomnum), inArray(courses.state, ENDED_STATES)];
  if (scope === 'built') conds.push(inArray(courses.indexStatus, ['ready', 'failed']));
  const r = await tx
    .update(courses)
    .set({ indexStatus: 'pending', indexDueAt: dueAt, indexAttempts: 0, indexError: '' })
    .where(and(...conds))
    .returning({ roomnum: courses.roomnum });
  return r.length > 0;
}

/**
 * Marks an ended course's playback ready (state 3) with its index at `idxRef` (a stored reference or Tencent's URL),
 * inside the caller's transaction. With `lease` (our own job), only while that build still holds the course: a build
 * re-queued or resolved meanwhile is left alone. False when nothing changed.
 */
export async function markPlaybackReadyTx(tx: Tx, roomnum: number, idxRef: string, lease?: number): Promise<boolean> {
  const conds: SQL[] = [eq(courses.roomnum, roomnum), inArray(courses.state, ENDED_STATES)];
  if (lease !== undefined) conds.push(eq(courses.indexStatus, 'pending'), eq(courses.indexDueAt, lease));
  const r = await tx
    .update(courses)
    .set({ state: COURSE_STATE.PLAYBACK, playbackIdxUrl: idxRef, indexStatus: 'ready', indexError: '' })
    .where(and(...conds))
    .returning({ roomnum: courses.roomnum });
  return r.length > 0;
}

/** Up to `limit` ended courses whose pending index is due at `now`, longest overdue first. */
export async function dueIndexBuilds(ctx: ServiceCtx, now: number, limit: number): Promise<number[]> {
  const rows = await ctx.db
    .select({ roomnum: courses.roomnum })
    .from(courses)
    .where(and(eq(courses.indexStatus, 'pending'), lte(courses.indexDueAt, now), inArray(courses.state, ENDED_STATES)))
    .orderBy(asc(courses.indexDueAt))
    .limit(limit);
  return rows.map((r) => r.roomnum);
}

/**
 * Claims a due build with one conditional UPDATE that also leases it (index_due_at := `lease`) and counts the attempt,
 * so two processes never build the same course at once and a build that died is retried after the lease. The course
 * row as claimed (index_attempts already counting this attempt), or undefined when another process got it first or
 * it is no longer due.
 */
export async function claimIndexBuild(
  ctx: ServiceCtx,
  roomnum: number,
  now: number,
  lease: number,
): Promise<Course | undefined> {
  return inTransaction(ctx.db, async (tx) =>
    first(
      await tx
        .update(courses)
        .set({ indexDueAt: lease, indexAttempts: sql`${courses.indexAttempts} + 1` })
        .where(
          and(
            eq(courses.roomnum, roomnum),
            eq(courses.indexStatus, 'pending'),
            lte(courses.indexDueAt, now),
            inArray(courses.state, ENDED_STATES),
          ),
        )
        .returning(),
    ),
  );
}

/** A claimed build succeeded: the playback is ready at `idxRef`, unless the course was re-queued meanwhile (false). */
export function completeIndexBuild(ctx: ServiceCtx, roomnum: number, lease: number, idxRef: string): Promise<boolean> {
  return inTransaction(ctx.db, (tx) => markPlaybackReadyTx(tx, roomnum, idxRef, lease));
}

/**
 * A claimed build failed with `error` (kept as index_error; the job cuts it short): retried at `retryAt`, or with
 * `retryAt` null given up ('failed', left for the console's retry). Only while the build still holds its lease.
 */
export async function recordIndexBuildFailure(
  ctx: ServiceCtx,
  roomnum: number,
  lease: number,
  error: string,
  retryAt: number | null,
): Promise<void> {
  await inTransaction(ctx.db, (tx) =>
    tx
      .update(courses)
      .set(retryAt === null ? { indexStatus: 'failed', indexError: error } : { indexError: error, indexDueAt: retryAt })
      .where(and(eq(courses.roomnum, roomnum), eq(courses.indexStatus, 'pending'), eq(courses.indexDueAt, lease))),
  );
}

/**
 * Notes an index error without changing the build state (Tencent's replay-index service reported a failure; our own
 * job still builds the index). Only on an ended course.
 */
export async function noteIndexError(ctx: ServiceCtx, roomnum: number, error: string): Promise<void> {
  await inTransaction(ctx.db, (tx) =>
    tx
      .update(courses)
      .set({ indexError: error })
      .where(and(eq(courses.roomnum, roomnum), inArray(courses.state, ENDED_STATES))),
  );
}
