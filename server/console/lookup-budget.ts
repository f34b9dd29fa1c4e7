/**
 * How many account ids one teacher may look up through the class list (add by id, CSV import) per hour: a token
 * bucket of CLASS_LIST_LOOKUPS_PER_HOUR ids, refilled evenly over the hour, per process. Why: the class list says
 * whether an id is a student account, so unbounded it was an account oracle (1 000 ids in 90 ms); the default, 3 000,
 * lets a teacher import three full 1 000-line class files in an hour. Ids that are not ids at all cost nothing.
 */
import type { Clock } from '../clock';
import { AppError } from '../errors';

const HOUR_MS = 3600_000;

interface Bucket {
  tokens: number;
  atMs: number;
}

export class LookupBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perHour: number,
    private readonly clock: Clock,
  ) {}

  /** Takes `n` lookups from `uid`'s bucket, or throws RATE_LIMITED (retryAfterS) and takes nothing. */
  take(uid: string, n: number): void {
    if (n === 0) return;
    const now = this.clock.nowMs();
    const b = this.buckets.get(uid) ?? { tokens: this.perHour, atMs: now };
    b.tokens = Math.min(this.perHour, b.tokens + ((now - b.atMs) / HOUR_MS) * this.perHour);
    b.atMs = now;
    if (b.tokens < n) {
      const missing = Math.min(n, this.perHour) - b.tokens;
      const retryAfterS = Math.max(1, Math.ceil((missing / this.perHour) * 3600));
      this.buckets.set(uid, b);
      throw new AppError('RATE_LIMITED', `too many class list lookups, retry in ${retryAfterS} s`, { retryAfterS });
    }
    b.tokens -= n;
    this.buckets.set(uid, b);
    // Full buckets carry no information: forget them so the map holds only recently active teachers.
    if (this.buckets.size > 10_000)
      for (const [k, v] of this.buckets) if (now - v.atMs > HOUR_MS) this.buckets.delete(k);
  }
}
