/**
 * How many account ids one teacher may look up through the class list (add by id, CSV import) per hour: a token
 * bucket of CLASS_LIST_LOOKUPS_PER_HOUR ids, refilled evenly over the hour, per process (services/token-buckets.ts).
 * Why: the class list says whether an id is a student account, so unbounded it was an account oracle (1 000 ids in
 * 90 ms); the default, 3 000, lets a teacher import three full 1 000-line class files in an hour. Ids that are not
 * ids at all cost nothing.
 */
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { TokenBuckets } from '../services/token-buckets';

export class LookupBudget {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly perHour: number,
    clock: Clock,
  ) {
    this.buckets = new TokenBuckets(clock);
  }

  /** Takes `n` lookups from `uid`'s bucket, or throws RATE_LIMITED (retryAfterS) and takes nothing. */
  take(uid: string, n: number): void {
    if (n === 0) return;
    const retryAfterS = this.buckets.take(uid, n, { capacity: this.perHour, perS: this.perHour / 3600 });
    if (retryAfterS > 0)
      throw new AppError('RATE_LIMITED', `too many class list lookups, retry in ${retryAfterS} s`, { retryAfterS });
  }
}
