/** The password-hash gate: bounded concurrency, FIFO order, BUSY past the queue, and the concurrency rule. */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors';
import { createGate, hashConcurrency } from './hash-gate';

describe('hash gate', () => {
  it('runs at most `concurrency` jobs, queues the next in order, refuses past the queue with BUSY', async () => {
    const gate = createGate({ concurrency: 2, queueMax: 3 });
    const release: Array<() => void> = [];
    const started: number[] = [];
    let peak = 0;
    let running = 0;
    const job = (i: number) => () =>
      new Promise<number>((resolve) => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        release.push(() => {
          running--;
          resolve(i);
        });
      });
    const runs = [0, 1, 2, 3, 4].map((i) => gate.run(job(i)));
    const refused = await gate.run(job(5)).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('BUSY');
    expect(() => gate.assertRoom()).toThrow('server busy');
    expect(gate.stats()).toMatchObject({ running: 2, queued: 3 });
    // Release one at a time: each frees exactly one slot for the oldest waiter.
    while (release.length) {
      release.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(gate.stats()).toMatchObject({ running: 0, queued: 0 });
    gate.assertRoom();
  });

  it('frees the slot when a job fails', async () => {
    const gate = createGate({ concurrency: 1, queueMax: 0 });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(() => Promise.resolve(7))).resolves.toBe(7);
  });

  it('leaves two pool threads for file I/O and one core for the event loop', () => {
    expect(hashConcurrency(4, 2)).toBe(1);
    expect(hashConcurrency(4, 8)).toBe(2);
    expect(hashConcurrency(16, 8)).toBe(7);
    expect(hashConcurrency(2, 1)).toBe(1);
  });
});
