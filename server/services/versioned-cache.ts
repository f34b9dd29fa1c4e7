/**
 * A small read-through cache whose entries are valid for one value of a database change counter (data_versions,
 * bumped by triggers in the writing transaction). Reading the counter is one indexed single-row read, so a hit costs
 * far less than the query it replaces, and a change made by any process invalidates every entry at once: no TTL,
 * no stale reads. Entries are frozen: callers share them.
 *
 * Why this is exact on both engines: the counter is read before the value is computed and again after. On SQLite the
 * bump is in the writing transaction; on PostgreSQL it is a deferred trigger that runs at commit, so the change and its
 * bump become visible to readers together. A value computed from data newer than the first read therefore always
 * sees a different counter on the second read, and is not kept.
 */
import type { Db } from '../../db/client';
import { dataVersionsOf, type DataVersionName } from './data-versions';

interface VersionedCache<V> {
  /** The cached value for `key` at the counter's current value, or computes, stores and returns it. */
  get(key: string, compute: () => Promise<V>): Promise<V>;
}

export function versionedCache<V>(db: Db, counter: DataVersionName, maxEntries = 512): VersionedCache<V> {
  // On PostgreSQL the reads of one tick share a query (data-versions.ts), still exact across instances.
  const versions = dataVersionsOf({ db });
  const readVersion = (): Promise<number> => versions.read(counter);
  let version = -1;
  const entries = new Map<string, V>();
  return {
    async get(key, compute) {
      const v = await readVersion();
      // Calls interleave (reads are async): only a newer counter resets the entries, never an older one read late.
      if (v > version) {
        entries.clear();
        version = v;
      }
      const hit = v === version ? entries.get(key) : undefined;
      if (hit !== undefined) return hit;
      const value = await compute();
      // Only keep it if nothing changed while computing (the value might straddle two versions), comparing with this
      // call's own first read: another call may have moved `version` on meanwhile.
      if ((await readVersion()) === v && version === v) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(key, deepFreeze(value));
      }
      return value;
    },
  };
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v as object)) deepFreeze(child);
  }
  return v;
}
