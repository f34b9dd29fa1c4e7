/**
 * The one database-side step of running a scheduled job: at most one runner of a job at a time across every instance
 * on one database (db/job-lock.ts). Here so that server/jobs/ stays orchestration only and imports nothing from db/
 * (an ESLint layer rule).
 */
import { withJobLock, type JobLockOutcome } from '../../db/job-lock';
import type { ServiceCtx } from '../context';

/** Runs `fn` unless the job `name` is running already, in this process or another instance: see withJobLock. */
export function runJobExclusively<T>(ctx: ServiceCtx, name: string, fn: () => Promise<T>): Promise<JobLockOutcome<T>> {
  return withJobLock(ctx.db, name, fn);
}
