/**
 * How many console procedure calls one caller may run: at most `maxInFlight` at once and, over time, a token bucket
 * (`ratePerS` refilled, `burst` deep). The caller is the account for a signed-in request (all its sessions and tabs
 * together), the client address otherwise (anonymous calls are only auth.*; a school behind one NAT address signs in
 * together, so anonymous budgets are ANON_FACTOR times larger). Per process, in memory: a budget is a bound on what
 * one caller costs this event loop, which is per process too. Why: two connections batching `dashboard.home`
 * slowed every heartbeat on the box from 13 ms to 2.5 s.
 */
import type { Clock } from '../clock';
import { AppError } from '../errors';

export interface CallBudgetLimits {
  maxInFlight: number;
  ratePerS: number;
  burst: number;
}

/** Anonymous callers are counted per address, which many people may share. */
export const ANON_FACTOR = 10;

interface Bucket {
  inFlight: number;
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  atMs: number;
}

/** Buckets idle this long are full again and can be forgotten. */
const FORGET_AFTER_MS = 10 * 60_000;

export class CallBudget {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweepMs = 0;

  constructor(
    private readonly limits: CallBudgetLimits,
    private readonly clock: Clock,
  ) {}

  /**
   * Takes one call from `key`'s budget; returns the release to call when it finishes. Throws RATE_LIMITED with
   * `retryAfterS` when the caller has `maxInFlight` calls running or its bucket is empty (nothing is taken then).
   */
  acquire(key: string, anonymous: boolean): () => void {
    const now = this.clock.nowMs();
    this.sweep(now);
    const f = anonymous ? ANON_FACTOR : 1;
    const burst = this.limits.burst * f;
    const rate = this.limits.ratePerS * f;
    let b = this.buckets.get(key);
    if (!b) {
      b = { inFlight: 0, tokens: burst, atMs: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.atMs) / 1000) * rate);
    b.atMs = now;
    if (b.inFlight >= this.limits.maxInFlight * f)
      throw new AppError('RATE_LIMITED', 'too many console requests at once, retry in 1 s', { retryAfterS: 1 });
    if (b.tokens < 1) {
      const retryAfterS = Math.max(1, Math.ceil((1 - b.tokens) / rate));
      throw new AppError('RATE_LIMITED', `too many console requests, retry in ${retryAfterS} s`, { retryAfterS });
    }
    b.tokens -= 1;
    b.inFlight++;
    const bucket = b;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      bucket.inFlight--;
    };
  }

  /** Open buckets (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweepMs < FORGET_AFTER_MS) return;
    this.lastSweepMs = now;
    for (const [k, b] of this.buckets) if (b.inFlight === 0 && now - b.atMs >= FORGET_AFTER_MS) this.buckets.delete(k);
  }
}
