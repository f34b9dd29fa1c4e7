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
import { TokenBuckets } from '../services/token-buckets';

export interface CallBudgetLimits {
  maxInFlight: number;
  ratePerS: number;
  burst: number;
}

/** Anonymous callers are counted per address, which many people may share. */
export const ANON_FACTOR = 10;

export class CallBudget {
  private readonly buckets: TokenBuckets;
  /** Calls running now, per caller (only callers with one running are kept). */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly limits: CallBudgetLimits,
    clock: Clock,
  ) {
    this.buckets = new TokenBuckets(clock);
  }

  /**
   * Takes one call from `key`'s budget; returns the release to call when it finishes. Throws RATE_LIMITED with
   * `retryAfterS` when the caller has `maxInFlight` calls running or its bucket is empty (nothing is taken then).
   */
  acquire(key: string, anonymous: boolean): () => void {
    const f = anonymous ? ANON_FACTOR : 1;
    const running = this.inFlight.get(key) ?? 0;
    if (running >= this.limits.maxInFlight * f)
      throw new AppError('RATE_LIMITED', 'too many console requests at once, retry in 1 s', { retryAfterS: 1 });
    const retryAfterS = this.buckets.take(key, 1, {
      capacity: this.limits.burst * f,
      perS: this.limits.ratePerS * f,
    });
    if (retryAfterS > 0)
      throw new AppError('RATE_LIMITED', `too many console requests, retry in ${retryAfterS} s`, { retryAfterS });
    this.inFlight.set(key, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }
}
