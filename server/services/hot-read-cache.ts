/**
 * Rows the hottest path re-reads for every request — a token's row, a room's host — kept per process for
 * HOT_READ_CACHE_S seconds. On SQLite that read costs microseconds and the cache is off by default; on PostgreSQL it
 * is a network round trip per request, so by default each instance reuses a row for 10 s.
 *
 * What the delay means: a token revoked (logout, password change) is dropped from this process's cache at once, and
 * from every other instance's when the revocation commits (PostgreSQL NOTIFY, token-cache.ts listenForTokenRevocations);
 * only if that notification is lost while an instance's listening connection is down and not yet re-opened may it
 * accept the token a little longer, at most HOT_READ_CACHE_S. A draft course
 * deleted meanwhile may still answer a heartbeat with 0 for that long (its beats change nothing: it has no members).
 * Nothing else is cached: every write, and every read outside these two, goes to the database.
 */
import type { Clock } from '../clock';
import type { Env } from '../env';

export interface HotReadCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  /** Drops every entry whose value matches (e.g. all tokens of one account). */
  deleteWhere(match: (v: V) => boolean): void;
}

/** HOT_READ_CACHE_S, or its engine default (0 on SQLite, 10 s on PostgreSQL). */
export function hotReadCacheS(env: Pick<Env, 'HOT_READ_CACHE_S' | 'database'>): number {
  return env.HOT_READ_CACHE_S ?? (env.database.kind === 'pg' ? 10 : 0);
}

/** Where every copy of this module finds the caches (see perCtxCache). */
const REGISTRY = Symbol.for('edu-classroom.hot-read-caches');
type Holder = { [REGISTRY]?: Map<string, WeakMap<object, HotReadCache<unknown>>> };

/**
 * One cache per ServiceCtx and `name` (so tests and the two worlds of a process each have their own), built on first
 * use, in one process-wide registry on globalThis. Why global: Next's bundle loads its own copies of these modules
 * (one per bundle layer), and every copy reaches the same runtime ctx; with a module-level map each copy would keep
 * its own cache, and the revocation listener — started by whichever copy built the ctx — would evict only that
 * one, so a console session revoked on another instance lived on in the others for HOT_READ_CACHE_S.
 */
export function perCtxCache<V>(name: string): (ctx: { env: Env; clock: Clock }) => HotReadCache<V> {
  const registry = ((globalThis as Holder)[REGISTRY] ??= new Map());
  let caches = registry.get(name) as WeakMap<object, HotReadCache<V>> | undefined;
  if (!caches) {
    caches = new WeakMap<object, HotReadCache<V>>();
    registry.set(name, caches as WeakMap<object, HotReadCache<unknown>>);
  }
  const mine = caches;
  return (ctx) => {
    let c = mine.get(ctx);
    if (!c) {
      c = hotReadCache<V>(hotReadCacheS(ctx.env), ctx.clock);
      mine.set(ctx, c);
    }
    return c;
  };
}

/** Bound on entries: beyond it the oldest go first (Map iteration order is insertion order). */
const MAX_ENTRIES = 50_000;

export function hotReadCache<V>(ttlS: number, clock: Clock): HotReadCache<V> {
  const entries = new Map<string, { value: V; until: number }>();
  if (ttlS <= 0) {
    return { get: () => undefined, set: () => undefined, delete: () => undefined, deleteWhere: () => undefined };
  }
  return {
    get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.until <= clock.nowMs()) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    set(key, value) {
      entries.delete(key);
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, until: clock.nowMs() + ttlS * 1000 });
    },
    delete(key) {
      entries.delete(key);
    },
    deleteWhere(match) {
      for (const [k, e] of entries) if (match(e.value)) entries.delete(k);
    },
  };
}
