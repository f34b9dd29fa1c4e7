/** The in-memory token buckets behind the per-process budgets: taking, refusing with the wait, refilling, forgetting. */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../clock';
import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  const rate = { capacity: 3, perS: 0.5 };

  it('takes up to capacity, then refuses with the seconds until enough tokens are back, taking nothing', () => {
    const clock = fixedClock(1_000);
    const b = new TokenBuckets(clock);
    expect([b.take('a', 1, rate), b.take('a', 1, rate), b.take('a', 1, rate)]).toEqual([0, 0, 0]);
    expect(b.take('a', 1, rate)).toBe(2); // one token at 0.5/s
    expect(b.take('a', 2, rate)).toBe(4);
    expect(b.take('b', 3, rate)).toBe(0); // keys are independent
    clock.advance(2);
    expect(b.take('a', 1, rate)).toBe(0);
    expect(b.take('a', 1, rate)).toBe(2);
  });

  it('never waits for more than a full bucket, and a refill stops at capacity', () => {
    const clock = fixedClock(1_000);
    const b = new TokenBuckets(clock);
    expect(b.take('a', 10, rate)).toBe(1); // more than a bucket holds: refused, with the shortest wait
    clock.advance(3600);
    expect([b.take('a', 3, rate), b.take('a', 1, rate)]).toEqual([0, 2]);
  });

  it('forgets buckets that are full again (they are the same as no bucket)', () => {
    const clock = fixedClock(1_000);
    const b = new TokenBuckets(clock);
    b.take('a', 1, rate);
    b.take('b', 3, rate);
    expect(b.size).toBe(2);
    clock.advance(61); // both full again after 2 s and 6 s; the sweep runs at most once a minute
    b.take('c', 1, rate);
    expect(b.size).toBe(1);
    expect(b.take('b', 3, rate)).toBe(0);
  });
});
