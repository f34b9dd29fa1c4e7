/**
 * The one door to the database for every service, whichever engine is behind it: SQLite through better-sqlite3 12.x
 * (the embedded default) or PostgreSQL through node-postgres (db/client-pg.ts), chosen by DATABASE_URL.
 *
 * Services are written once, against the table objects of db/schema.ts. Drizzle builds each query from the table's
 * names and column mappers with the dialect of the handle it was started from, so the same `ctx.db.select()…` is
 * SQLite SQL on one engine and PostgreSQL SQL on the other (db/schema-pg.ts mirrors the tables for PostgreSQL's
 * migrations; db/schema-parity.test.ts keeps the two equal). What keeps a service portable:
 *  - `await` every query: drizzle queries are thenables for both drivers. Never `.get()`, `.all()`, `.run()` or
 *    `.values()` (better-sqlite3 only; lint refuses them in server/): `first(await q.limit(1))` reads one row.
 *  - Read through `Db`; write only inside `inTransaction`, whose `Tx` alone has insert/update/delete. A write that
 *    needs to know whether it matched uses `.returning(…)`, not the driver's change count.
 *  - Engine-specific SQL only through db/dialect.ts.
 *  - No network call inside a transaction: it holds SQLite's single writer or a PostgreSQL connection meanwhile.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

/** The full drizzle handle over SQLite. Only db/ and SQLite-only tooling (bench seeding, tests) use it directly. */
export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Methods of a handle that only better-sqlite3 has, or that bypass inTransaction. */
type EngineOnly = 'run' | 'all' | 'get' | 'values' | 'transaction' | 'batch' | '$client';
/** What a transaction callback gets: reads and writes, portable across both engines. */
export type Tx = Omit<SqliteDb, EngineOnly>;
/** What services get as `ctx.db`: reads only (writes go through inTransaction), portable across both engines. */
export type Db = Omit<Tx, 'insert' | 'update' | 'delete'>;

/** Which engine a handle talks to. */
export type Engine = 'sqlite' | 'pg';

/**
 * How a handle runs a transaction. Attached to each handle opened here (SQLite) or in client-pg.ts (PostgreSQL), so
 * inTransaction can take the plain handle services hold.
 */
export interface TxRunner {
  readonly engine: Engine;
  run<T>(fn: (tx: Tx) => Promise<T> | T): Promise<T>;
  /** Releases the connection(s). */
  close(): Promise<void>;
}

const RUNNER = Symbol.for('edu.db.txRunner');
const IN_TX = Symbol.for('edu.db.inTx');

type WithRunner = { [RUNNER]?: TxRunner; [IN_TX]?: true };

/** Gives `db` its transaction runner (db/ only). */
export function attachRunner<T extends object>(db: T, runner: TxRunner): T {
  Object.defineProperty(db, RUNNER, { value: runner, enumerable: false });
  return db;
}

/** Marks an object handed to a transaction callback, so a nested inTransaction joins it (db/ only). */
export function markTx<T extends object>(tx: T): T {
  Object.defineProperty(tx, IN_TX, { value: true, enumerable: false });
  return tx;
}

function runnerOf(db: Db | Tx): TxRunner {
  const r = (db as WithRunner)[RUNNER];
  if (!r) throw new Error('database handle was not opened through db/ (no transaction runner)');
  return r;
}

/** The engine behind a handle (or a transaction of it). */
export function engineOf(db: Db | Tx): Engine {
  return runnerOf(db).engine;
}

/**
 * Runs `fn` as one transaction and returns its result; a throw rolls everything back.
 * SQLite: BEGIN IMMEDIATE (the write lock up front, so read-then-write cannot deadlock between processes), and one
 * transaction at a time per process: the connection is shared, so the next waits for this one's COMMIT.
 * PostgreSQL: SERIALIZABLE, retried on serialization failures and deadlocks, so a read-then-write is as safe as under
 * SQLite's single writer; `fn` may therefore run more than once and must have no effect outside the database.
 * Called with a `Tx` (a step that is itself part of a larger transaction), `fn` joins that transaction.
 */
export function inTransaction<T>(db: Db | Tx, fn: (tx: Tx) => Promise<T> | T): Promise<T> {
  if ((db as WithRunner)[IN_TX]) return Promise.resolve().then(() => fn(db as Tx));
  return runnerOf(db).run(fn);
}

/** The first row of a result, or undefined: `first(await ctx.db.select()….limit(1))`. */
export function first<T>(rows: readonly T[]): T | undefined {
  return rows[0];
}

/** Closes the connection(s) of a handle opened by db/ (tests, scripts, shutdown). */
export function closeDb(db: Db | Tx): Promise<void> {
  return runnerOf(db).close();
}

// ---------------------------------------------------------------- SQLite

/** Resolved from the working directory: Next's bundler rewrites __dirname, and every entry runs from the project root. */
export const MIGRATIONS_DIR = path.resolve(process.cwd(), 'db/migrations');

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) a SQLite file: WAL, a busy timeout so concurrent processes wait instead of failing,
 * foreign keys on. Applies committed migrations before returning unless `migrate: false`.
 */
export function openDb(file: string, opts: { migrate?: boolean } = {}): SqliteDb & Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // NORMAL is durable across process crashes in WAL mode (only an OS crash may lose the last commits).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema }) as SqliteDb;
  attachRunner(db, sqliteRunner(db));
  if (opts.migrate !== false) migrateDb(db);
  return db;
}

/** Applies pending migrations. Safe when two processes start at once: the busy timeout serializes them. */
export function migrateDb(db: SqliteDb): void {
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
}

/**
 * better-sqlite3's own transactions must be synchronous (with an async callback a rollback silently does not happen),
 * while services are async for PostgreSQL's sake. So this runner issues BEGIN IMMEDIATE / COMMIT itself and queues
 * transactions: while one is open, every other waits, since all share one connection. Statements outside a
 * transaction are reads only (the Db type has no writes), so one interleaving between two awaits of a transaction
 * can at most read what the transaction has written so far — never write into it.
 */
function sqliteRunner(db: SqliteDb): TxRunner {
  const begin = db.$client.prepare('BEGIN IMMEDIATE');
  const commit = db.$client.prepare('COMMIT');
  const rollback = db.$client.prepare('ROLLBACK');
  const tx = markTx(Object.create(db) as Tx);
  // SQLite applies PRAGMA busy_timeout when the statement is compiled, so it cannot be a reusable prepared statement.
  const busyTimeout = (ms: number) => db.$client.pragma(`busy_timeout = ${ms}`);

  /**
   * Takes the write lock without blocking the event loop. Another connection may hold it across awaits of its own
   * transaction — another process, or another handle in this one (the custom server and Next's bundle each open the
   * file) — and better-sqlite3's busy handler would wait synchronously, so that transaction could never finish: try
   * once, and on SQLITE_BUSY wait asynchronously and retry, for as long as the busy timeout allows.
   */
  async function beginImmediate(): Promise<void> {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      busyTimeout(0);
      try {
        begin.run();
        return;
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw e;
      } finally {
        busyTimeout(BUSY_TIMEOUT_MS);
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  // Transactions started and not yet settled, and the promise the next one waits for.
  let pending = 0;
  let tail: Promise<void> = Promise.resolve();
  const settled = (): void => {
    pending -= 1;
  };

  async function runOne<T>(fn: (tx: Tx) => Promise<T> | T): Promise<T> {
    await beginImmediate();
    try {
      const result = await fn(tx);
      commit.run();
      return result;
    } catch (e) {
      // A failed statement or COMMIT may already have ended the transaction.
      if (db.$client.inTransaction) rollback.run();
      throw e;
    }
  }

  return {
    engine: 'sqlite',
    run<T>(fn: (tx: Tx) => Promise<T> | T): Promise<T> {
      // Nothing open or queued (the common case): BEGIN now, without a promise hop.
      const p = pending === 0 ? runOne(fn) : tail.then(() => runOne(fn));
      pending += 1;
      tail = p.then(settled, settled);
      return p;
    },
    async close() {
      await tail;
      db.$client.close();
    },
  };
}
