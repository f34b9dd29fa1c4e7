/**
 * A counting semaphore with a bounded FIFO queue, for the password hashes. Why: scrypt runs on libuv's threadpool
 * (UV_THREADPOOL_SIZE, default 4), which file reads and writes share; unbounded, a login flood fills every thread
 * and `/storage` reads and page renders wait seconds behind it. At most `concurrency` jobs run; up to `queueMax`
 * more wait their turn in arrival order; past that a job is refused at once with BUSY (the caller retries later),
 * so waiting stays short and memory bounded.
 */
import os from 'node:os';
import { AppError } from '../errors';

export interface Gate {
  /** Runs `job` when a slot is free. Throws BUSY (without running it) when the queue is full. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Throws BUSY now when a job would be refused: lets a caller skip work it would do before `run`. */
  assertRoom(): void;
  /** Jobs running and waiting now, and the bounds (for tests and diagnostics). */
  stats(): { running: number; queued: number; concurrency: number; queueMax: number };
}

export function createGate(opts: { concurrency: number; queueMax: number }): Gate {
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const queueMax = Math.max(0, Math.floor(opts.queueMax));
  let running = 0;
  const waiting: Array<() => void> = [];

  const release = () => {
    const nextJob = waiting.shift();
    // The slot passes straight to the next waiter, so `running` never dips and a newcomer cannot jump the queue.
    if (nextJob) nextJob();
    else running--;
  };

  const busy = () => new AppError('BUSY', 'server busy, retry later', { retryAfterS: 1 });

  return {
    async run<T>(job: () => Promise<T>): Promise<T> {
      if (running < concurrency) running++;
      else if (waiting.length < queueMax) await new Promise<void>((resolve) => waiting.push(resolve));
      else throw busy();
      try {
        return await job();
      } finally {
        release();
      }
    },
    assertRoom() {
      if (running >= concurrency && waiting.length >= queueMax) throw busy();
    },
    stats: () => ({ running, queued: waiting.length, concurrency, queueMax }),
  };
}

/**
 * How many password hashes may run at once: fewer than libuv's pool (two threads stay for file I/O) and fewer than
 * the cores (one core stays for the event loop: measured on 2 cores under a 32-way flood, 2 hashes at once gave
 * storage GET p99 140–420 ms, 1 gave 50–60 ms), at least one.
 */
export function hashConcurrency(
  poolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4,
  cores = os.availableParallelism(),
): number {
  return Math.max(1, Math.min(cores - 1, poolSize - 2));
}
