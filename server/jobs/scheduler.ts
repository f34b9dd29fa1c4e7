/**
 * In-process job scheduler: every SWEEP_INTERVAL_S each job runs once, single-flight (a run still going when the
 * next tick comes is not started again). Started once per process, whichever entry (custom server or Next's
 * instrumentation) gets there first. A job is `(ctx) → what changed`; tests call jobs directly with a fixed clock.
 *
 * Several instances: each run goes through runJobExclusively (services/job-runs.ts, over db/job-lock.ts). On PostgreSQL only the instance holding the
 * job's advisory lock runs it, the others skip that tick; on SQLite (one machine) the jobs' conditional claims keep
 * concurrent runs from applying a change twice.
 */
import type { ServiceCtx } from '../context';
import { runJobExclusively } from '../services/job-runs';
import { buildPlaybackIndexes } from './build-playback-index';
import { sweepDeadRooms } from './sweep-dead-rooms';

export interface Job {
  name: string;
  run(ctx: ServiceCtx): Promise<unknown>;
}

export const JOBS: Job[] = [
  { name: 'sweep-dead-rooms', run: sweepDeadRooms },
  { name: 'build-playback-index', run: buildPlaybackIndexes },
];

const STARTED = Symbol.for('edu-classroom.scheduler');

export function startScheduler(ctx: ServiceCtx, jobs: Job[] = JOBS): { stop(): Promise<void> } | null {
  const g = globalThis as { [STARTED]?: boolean };
  if (g[STARTED]) return null;
  g[STARTED] = true;
  // Runs in flight, by job name: single-flight per job, and what stop() waits for.
  const running = new Map<string, Promise<void>>();
  const tick = () => {
    for (const job of jobs) {
      if (running.has(job.name)) continue;
      const run = runJobExclusively(ctx, job.name, () => job.run(ctx))
        .then((r) => {
          if (!r.ran) ctx.log.debug({ job: job.name }, 'job skipped: running elsewhere');
        })
        .catch((e: unknown) => ctx.log.error({ err: e, job: job.name }, 'job failed'))
        .finally(() => running.delete(job.name));
      running.set(job.name, run);
    }
  };
  const timer = setInterval(tick, Math.max(1, ctx.env.SWEEP_INTERVAL_S) * 1000);
  timer.unref();
  ctx.log.info({ intervalS: ctx.env.SWEEP_INTERVAL_S, jobs: jobs.map((j) => j.name) }, 'scheduler started');
  return {
    /** No new runs; resolves when the runs in flight are done (shutdown closes the database after this). */
    async stop() {
      clearInterval(timer);
      g[STARTED] = false;
      await Promise.all(Array.from(running, ([, run]) => run));
    },
  };
}
