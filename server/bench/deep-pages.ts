/**
 * Bodies for the bench's "random deep pages" loads (issue 15): `live/roomlist` pages drawn uniformly over the whole
 * list of one filter — none, a state, a host, a list-time window — so nearly every request misses the page cache and
 * most land hundreds of thousands of rows deep in a million-course catalogue. Each filter's total is asked from the
 * server first, so every drawn index is inside the list (a page past the end would be an empty answer, not a read).
 */
import type { Account } from './seed';

export type DeepKind = 'all' | 'state' | 'host' | 'time';
export const DEEP_KINDS: readonly DeepKind[] = ['all', 'state', 'host', 'time'];

/** A seeded PRNG (mulberry32): the same pages in every run, so runs compare. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The filters one kind draws from (a few of each, so totals are asked once per filter). */
export function deepFilters(kind: DeepKind, o: { hosts: string[]; nowS: number }): Record<string, unknown>[] {
  switch (kind) {
    case 'all':
      return [{}];
    case 'state':
      return [{ state: 2 }, { state: 0 }, { state: 3 }];
    case 'host':
      return o.hosts.slice(0, 5).map((host_uid) => ({ host_uid }));
    case 'time': {
      // Windows of 5 to 40 days inside the catalogue's 100, some open-ended.
      const day = 86400;
      return [
        { from_time: o.nowS - 90 * day, to_time: o.nowS - 50 * day },
        { from_time: o.nowS - 60 * day, to_time: o.nowS - 55 * day },
        { from_time: o.nowS - 30 * day },
        { to_time: o.nowS - 20 * day },
        { from_time: o.nowS - 80 * day, to_time: o.nowS - 70 * day, state: 2 },
      ];
    }
  }
}

/**
 * `count` bodies: a random filter of the kind, a random index in [0, total − size], size 20, each with a random
 * member's token. `totals` are the server's answers for the filters, in order.
 */
export function deepBodies(
  appid: number,
  members: Account[],
  filters: Record<string, unknown>[],
  totals: number[],
  count: number,
  seed: number,
): string[] {
  const rnd = prng(seed);
  const size = 20;
  return Array.from({ length: count }, (_, i) => {
    const k = Math.floor(rnd() * filters.length);
    const index = Math.floor(rnd() * Math.max(1, totals[k]! - size + 1));
    const m = members[Math.floor(rnd() * members.length)]!;
    return JSON.stringify({ appid, timeStamp: 1_700_000_000 + i, token: m.token, index, size, ...filters[k] });
  });
}
