/**
 * Token buckets by key, in memory: each key's bucket holds up to `capacity` tokens and refills at `perS` tokens a
 * second. Used for per-process budgets that bound what one caller costs this event loop (trpc/call-budget.ts: console
 * calls; console/lookup-budget.ts: class-list id lookups). Durable, cross-process limits (logins, registrations) live
 * in the database instead (login-rate-limit.ts).
 *
 * A bucket left alone long enough to be full again is the same as no bucket, so it is forgotten (checked at most once
 * a minute): the map holds only recently active keys.
 */
import type { Clock } from '../clock';

export interface BucketRate {
  capacity: number;
  perS: number;
}

interface Bucket extends BucketRate {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  atMs: number;
}

const SWEEP_EVERY_MS = 60_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweepMs = 0;

  constructor(private readonly clock: Clock) {}

  /**
   * Takes `n` tokens from `key`'s bucket. Returns 0 when they were taken, else the seconds (≥ 1) until `n` tokens
   * (at most a full bucket's worth) are there again — and takes nothing.
   */
  take(key: string, n: number, rate: BucketRate): number {
    const now = this.clock.nowMs();
    this.sweep(now);
    const b = this.buckets.get(key) ?? { ...rate, tokens: rate.capacity, atMs: now };
    b.capacity = rate.capacity;
    b.perS = rate.perS;
    b.tokens = Math.min(b.capacity, b.tokens + ((now - b.atMs) / 1000) * b.perS);
    b.atMs = now;
    this.buckets.set(key, b);
    if (b.tokens < n) return Math.max(1, Math.ceil((Math.min(n, b.capacity) - b.tokens) / b.perS));
    b.tokens -= n;
    return 0;
  }

  /** Buckets kept (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweepMs < SWEEP_EVERY_MS) return;
    this.lastSweepMs = now;
    for (const [k, b] of this.buckets)
      if (b.tokens + ((now - b.atMs) / 1000) * b.perS >= b.capacity) this.buckets.delete(k);
  }
}
