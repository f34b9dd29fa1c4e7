/**
 * In-process job scheduler: every SWEEP_INTERVAL_S each job runs once, single-flight (a run still going when the
 * next tick comes is not started again). Started once per process, whichever entry (custom server or Next's
 * instrumentation) gets there first. A job is `(ctx) → what changed`; tests call jobs directly with a fixed clock.
 */
import type { ServiceCtx } from '../context';
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

export function startScheduler(ctx: ServiceCtx, jobs: Job[] = JOBS): { stop(): void } | null {
  const g = globalThis as { [STARTED]?: boolean };
  if (g[STARTED]) return null;
  g[STARTED] = true;
  const running = new Set<string>();
  const tick = () => {
    for (const job of jobs) {
      if (running.has(job.name)) continue;
      running.add(job.name);
      job
        .run(ctx)
        .catch((e: unknown) => ctx.log.error({ err: e, job: job.name }, 'job failed'))
        .finally(() => running.delete(job.name));
    }
  };
  const timer = setInterval(tick, Math.max(1, ctx.env.SWEEP_INTERVAL_S) * 1000);
  timer.unref();
  ctx.log.info({ intervalS: ctx.env.SWEEP_INTERVAL_S, jobs: jobs.map((j) => j.name) }, 'scheduler started');
  return {
    stop() {
      clearInterval(timer);
      g[STARTED] = false;
    },
  };
}
