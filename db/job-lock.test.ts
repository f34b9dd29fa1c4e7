/**
 * withJobLock on the suite's engine: two holders of one job at once (one runs, one skips), the lock freed after a
 * throw; on PostgreSQL also across instances (a second pool on the same database), a holder whose connection dies
 * losing the lock to another instance, and a pool of one connection not starving the job of its own queries.
 */
import { count, sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, type Db } from './client';
import { openPgPool } from './client-pg';
import { rawRows } from './dialect';
import { withJobLock } from './job-lock';
import { users } from './schema';
import { createTestDb, openSecondHandle } from './testing/test-db';
import { testEngine } from './testing/test-engine';

const opened: Db[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => closeDb(db)));
});

function fresh(): { db: Db; url: string } {
  const t = createTestDb();
  opened.push(t.db);
  return t;
}

function second(t: { url: string }): Db {
  const db = openSecondHandle(t);
  opened.push(db);
  return db;
}

/** A promise and its resolve, to hold a job inside its run. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

const isPg = testEngine() === 'pg';

describe(`withJobLock (${testEngine()})`, () => {
  it('two holders of one job at once: the first runs, the second skips; afterwards the job runs again', async () => {
    const { db } = fresh();
    const g = gate();
    let runs = 0;
    const holding = gate();
    const first = withJobLock(db, 'sweep', async () => {
      runs++;
      holding.open();
      await g.wait;
      return 'done';
    });
    // The first one holds the lock once its job runs (on PostgreSQL: after a pool connection and a query, which a
    // loaded machine may take long to give: wait for it, not for a fixed time).
    await holding.wait;
    const secondTry = await withJobLock(db, 'sweep', () => {
      runs++;
      return Promise.resolve('not me');
    });
    expect(secondTry).toEqual({ ran: false });
    // Another job is not held up by this one.
    expect(await withJobLock(db, 'index', () => Promise.resolve(7))).toEqual({ ran: true, value: 7 });
    g.open();
    expect(await first).toEqual({ ran: true, value: 'done' });
    expect(runs).toBe(1);
    expect(await withJobLock(db, 'sweep', () => Promise.resolve('again'))).toEqual({ ran: true, value: 'again' });
  });

  it('a run that throws rejects with its error and frees the lock', async () => {
    const t = fresh();
    const other = isPg ? second(t) : t.db;
    await expect(withJobLock(t.db, 'sweep', () => Promise.reject(new Error('job broke')))).rejects.toThrow('job broke');
    expect(await withJobLock(other, 'sweep', () => Promise.resolve(1))).toEqual({ ran: true, value: 1 });
    expect(await withJobLock(t.db, 'sweep', () => Promise.resolve(2))).toEqual({ ran: true, value: 2 });
  });

  it.skipIf(!isPg)('PostgreSQL: another instance skips while one runs the job, then gets it', async () => {
    const t = fresh();
    const other = second(t);
    const g = gate();
    const holding = gate();
    const first = withJobLock(t.db, 'sweep', async () => {
      holding.open();
      await g.wait;
      return 'a';
    });
    await holding.wait;
    let ranElsewhere = false;
    expect(
      await withJobLock(other, 'sweep', () => {
        ranElsewhere = true;
        return Promise.resolve('b');
      }),
    ).toEqual({ ran: false });
    expect(ranElsewhere).toBe(false);
    g.open();
    expect(await first).toEqual({ ran: true, value: 'a' });
    expect(await withJobLock(other, 'sweep', () => Promise.resolve('b'))).toEqual({ ran: true, value: 'b' });
    // Nothing left locked, and the lock connection went back to the pool.
    const locks = await rawRows<{ n: number }>(
      other,
      sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(locks[0]!.n).toBe(0);
  });

  it.skipIf(!isPg)(
    'PostgreSQL: a holder whose connection dies loses the lock; another instance takes over',
    async () => {
      const t = fresh();
      const other = second(t);
      const g = gate();
      const holding = gate();
      const first = withJobLock(t.db, 'sweep', async () => {
        holding.open();
        await g.wait;
        return 'finished anyway';
      });
      await holding.wait;
      expect(await withJobLock(other, 'sweep', () => Promise.resolve('b'))).toEqual({ ran: false });
      // The instance "crashes" as far as PostgreSQL can tell: the session holding the lock is gone.
      const killed = await rawRows<{ ok: boolean }>(
        other,
        sql`SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(killed).toEqual([{ ok: true }]);
      let took: { ran: boolean } = { ran: false };
      for (let i = 0; i < 50 && !took.ran; i++) {
        took = await withJobLock(other, 'sweep', () => Promise.resolve('b'));
        if (!took.ran) await new Promise((r) => setTimeout(r, 20));
      }
      expect(took).toEqual({ ran: true, value: 'b' });
      // The first holder's run ends normally (its queries use other connections); the dead connection is dropped.
      g.open();
      expect(await first).toEqual({ ran: true, value: 'finished anyway' });
      expect(await withJobLock(t.db, 'sweep', () => Promise.resolve('c'))).toEqual({ ran: true, value: 'c' });
    },
  );

  it.skipIf(!isPg)(
    'PostgreSQL: 50 runs on one handle leave no listeners behind on the pooled lock connection (no warning)',
    async () => {
      const t = fresh();
      const db = openPgPool({ url: t.url, poolMax: 4, statementTimeoutMs: 5000 }, { idleTimeoutMs: 60_000 });
      opened.push(db);
      // eslint-disable-next-line no-restricted-syntax -- the test looks at the pool's connections themselves
      const pool = (db as unknown as { $client: pg.Pool }).$client;
      const seen = new Map<pg.PoolClient, number>();
      // The 'error' listeners of every connection as it comes back to the pool (the pool's own idle one excluded).
      pool.on('release', (_err: Error | undefined, client: pg.PoolClient) =>
        seen.set(client, Math.max(seen.get(client) ?? 0, client.listenerCount('error'))),
      );
      const listenerCounts = () => Array.from(seen, ([, n]) => n);
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      try {
        const before = await (async () => {
          await withJobLock(db, 'tick', () => Promise.resolve(0));
          return Math.max(...listenerCounts());
        })();
        for (let i = 0; i < 50; i++) {
          const r = await withJobLock(db, 'tick', async () => (await db.select({ n: count() }).from(users))[0]!.n);
          expect(r).toEqual({ ran: true, value: 0 });
        }
        // Warnings are emitted on the next tick.
        await new Promise((r) => setImmediate(r));
        // The lock connection was reused tick after tick, with as many listeners as after the first run.
        expect(seen.size).toBeLessThanOrEqual(4);
        for (const n of listenerCounts()) expect(n).toBeLessThanOrEqual(before);
        expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
      } finally {
        process.off('warning', onWarning);
      }
    },
  );

  it.skipIf(!isPg)('PostgreSQL: with a pool of one connection the job still gets its queries through', async () => {
    const t = fresh();
    const tiny = openPgPool({ url: t.url, poolMax: 1, statementTimeoutMs: 5000 });
    opened.push(tiny);
    const r = await withJobLock(tiny, 'sweep', async () => (await tiny.select({ n: count() }).from(users))[0]!.n);
    expect(r).toEqual({ ran: true, value: 0 });
  });
});
