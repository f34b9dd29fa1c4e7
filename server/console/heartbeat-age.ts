/**
 * What a stored heartbeat says about the member's last beat. Beats are coalesced (services/presence.ts: buffered in
 * memory, flushed every PRESENCE_FLUSH_MS, and a flush rewrites a row only when its stored beat is at least G s old,
 * heartbeatWriteGranularityS), so the stored time is not the last beat: the last beat lies between the stored time
 * and now, and once the stored beat is G s old no beat has come since stored + G (it would have written), give or
 * take one flush interval (a second by default, below what the page shows). Pure and import-free: the roster router and the console page (which
 * ticks between polls) apply the same rule.
 */
export interface HeartbeatAge {
  /** The last beat was at least this many seconds ago… */
  minS: number;
  /** …and at most this many. */
  maxS: number;
}

export function heartbeatAge(storedAt: number, now: number, granularityS: number): HeartbeatAge {
  const maxS = Math.max(0, now - storedAt);
  return { minS: Math.max(0, maxS - granularityS), maxS };
}
