/**
 * Prepared statements cached per database handle: built on first use, reused for every call after. Used on hot
 * paths (token resolution, heartbeat) where re-building a query per request would cost more than running it.
 */
import type { Db } from '../../db/client';

export function preparedFor<T>(build: (db: Db) => T): (ctx: { db: Db }) => T {
  const cache = new WeakMap<Db, T>();
  return ({ db }) => {
    let s = cache.get(db);
    if (!s) {
      s = build(db);
      cache.set(db, s);
    }
    return s;
  };
}
