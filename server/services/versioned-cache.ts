/**
 * A small read-through cache whose entries are valid for one value of a database change counter (data_versions,
 * bumped by triggers in the writing transaction). Reading the counter is one indexed single-row read, so a hit costs
 * far less than the query it replaces, and a change made by any process invalidates every entry at once: no TTL,
 * no stale reads. Entries are frozen: callers share them.
 */
import type { Db } from '../../db/client';

interface VersionedCache<V> {
  /** The cached value for `key` at the counter's current value, or computes, stores and returns it. */
  get(key: string, compute: () => Promise<V>): Promise<V>;
}

export function versionedCache<V>(db: Db, counter: string, maxEntries = 512): VersionedCache<V> {
  const readVersion = db.$client.prepare<[string], { version: number }>(
    'SELECT version FROM data_versions WHERE name = ?',
  );
  let version = -1;
  const entries = new Map<string, V>();
  return {
    async get(key, compute) {
      const v = readVersion.get(counter)?.version ?? 0;
      if (v !== version) {
        entries.clear();
        version = v;
      }
      const hit = entries.get(key);
      if (hit !== undefined) return hit;
      const value = await compute();
      // Only keep it if nothing changed while computing (the value might straddle two versions).
      if ((readVersion.get(counter)?.version ?? 0) === version) {
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
