/**
 * One runner per scheduled job at a time, across every instance on one database (server/jobs/scheduler.ts).
 *
 * PostgreSQL: each run holds a session advisory lock, `pg_try_advisory_lock(hashtextextended('edu-classroom:job:<name>',
 * 0))`, on a connection checked out of the handle's pool for the run; an instance that does not get the lock skips
 * the run (the holder is doing it). A session lock lives with its connection, so a crashed or cut-off instance's
 * lock goes away with it and the next tick of another instance takes over. The lock connection sits idle while the
 * job's own queries use other pool connections; all the job locks a process holds at once share that one connection,
 * so the jobs cost at most one connection beyond their queries (a pool of one gets a connection of its own instead:
 * the lock must never take the only connection the job needs).
 *
 * SQLite (one machine): no cross-process lock. The jobs keep their conditional claims (UPDATE … WHERE still due
 * RETURNING), so two processes sweeping at once never apply the same change twice — as before this lock existed.
 *
 * On both engines a second run of the same job on the same handle while one is going is skipped (advisory locks are
 * re-entrant within a session, so PostgreSQL alone would let it through).
 */
import pg from 'pg';
import { engineOf, type Db } from './client';

export type JobLockOutcome<T> = { ran: true; value: T } | { ran: false };

/** The advisory lock key text of a job (hashed to a bigint by PostgreSQL's hashtextextended). */
export function jobLockKey(name: string): string {
  return `edu-classroom:job:${name}`;
}

/** Jobs running through each handle in this process. */
const runningOn = new WeakMap<object, Set<string>>();

/**
 * Runs `fn` unless the job `name` is already running, here or (on PostgreSQL) in another instance: `{ ran: true,
 * value }`, or `{ ran: false }` when skipped. A throw from `fn` propagates after the lock is released.
 */
export async function withJobLock<T>(db: Db, name: string, fn: () => Promise<T>): Promise<JobLockOutcome<T>> {
  let running = runningOn.get(db);
  if (!running) runningOn.set(db, (running = new Set()));
  if (running.has(name)) return { ran: false };
  running.add(name);
  try {
    if (engineOf(db) !== 'pg') return { ran: true, value: await fn() };
    return await withAdvisoryLock(lockSessions(db), jobLockKey(name), fn);
  } finally {
    running.delete(name);
  }
}

/** The lock connection of one handle: checked out while at least one of its job locks is held. */
interface LockSession {
  client: Promise<pg.PoolClient | pg.Client>;
  holders: number;
  /** The connection failed (the server ended it): its locks are gone; it is dropped, never reused. */
  broken: boolean;
  /** This session's 'error' listener on the connection, removed when the session ends. */
  onError: () => void;
}

interface LockSessions {
  acquire(): LockSession;
  release(s: LockSession): Promise<void>;
}

const sessionsOf = new WeakMap<object, LockSessions>();

function lockSessions(db: Db): LockSessions {
  let sessions = sessionsOf.get(db);
  if (!sessions) sessionsOf.set(db, (sessions = createLockSessions(poolOf(db))));
  return sessions;
}

function poolOf(db: Db): pg.Pool {
  // The handle built by openPgPool is drizzle over a pg.Pool; the lock needs one of its connections for the whole run.
  // eslint-disable-next-line no-restricted-syntax -- a session lock is a connection-level feature of PostgreSQL
  return (db as unknown as { $client: pg.Pool }).$client;
}

function createLockSessions(pool: pg.Pool): LockSessions {
  // A pool of one would starve the job of connections while the lock holds it: use a connection outside the pool.
  const ownConnection = (pool.options.max ?? 10) < 2;
  let current: LockSession | null = null;

  const broke = (s: LockSession) => {
    s.broken = true;
    if (current === s) current = null;
  };

  async function connect(onError: () => void): Promise<pg.PoolClient | pg.Client> {
    const client = ownConnection ? new pg.Client(pool.options) : await pool.connect();
    // Without a listener, an error of this connection while it is checked out would end the process. Removed again
    // when the session ends (release below): a pooled connection comes back for the next tick's session, and a
    // listener left on it per tick would pile up (a leak, and MaxListenersExceededWarning once more than 10 do).
    client.on('error', onError);
    if (ownConnection) await client.connect();
    return client;
  }

  return {
    acquire() {
      if (!current) {
        const onError = () => broke(s);
        const s: LockSession = { holders: 0, broken: false, onError, client: connect(onError) };
        // A failed connect reaches its holders (they await s.client); the session is not reused.
        s.client.catch(() => broke(s));
        current = s;
      }
      current.holders += 1;
      return current;
    },
    async release(s) {
      s.holders -= 1;
      if (s.holders > 0) return;
      if (current === s) current = null;
      let client: pg.PoolClient | pg.Client;
      try {
        client = await s.client;
      } catch {
        return; // never connected
      }
      // A broken connection is destroyed, not returned to the pool; a pooled one goes back without our listener.
      if ('release' in client) {
        client.removeListener('error', s.onError);
        client.release(s.broken);
      } else {
        await client.end().catch(() => undefined);
        client.removeListener('error', s.onError);
      }
    },
  };
}

async function withAdvisoryLock<T>(
  sessions: LockSessions,
  key: string,
  fn: () => Promise<T>,
): Promise<JobLockOutcome<T>> {
  const s = sessions.acquire();
  try {
    const client = await s.client;
    const r = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
      [key],
    );
    if (!r.rows[0]?.locked) return { ran: false };
    try {
      return { ran: true, value: await fn() };
    } finally {
      // A connection that broke meanwhile took the lock with it; otherwise unlock (dropping the connection if
      // even that fails: the server then releases the lock as the session ends).
      if (!s.broken) {
        await client
          .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key])
          .catch(() => void (s.broken = true));
      }
    }
  } finally {
    await sessions.release(s);
  }
}
