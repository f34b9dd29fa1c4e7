/**
 * Opens the SQLite database (better-sqlite3 12.x): WAL, a busy timeout so concurrent processes wait instead of
 * failing, foreign keys on. `openDb` applies committed migrations before returning.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** What a synchronous transaction callback receives. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Resolved from the working directory: Next's bundler rewrites __dirname, and every entry runs from the project root. */
export const MIGRATIONS_DIR = path.resolve(process.cwd(), 'db/migrations');

export function openDb(file: string, opts: { migrate?: boolean } = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash may lose the last commits).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema }) as Db;
  if (opts.migrate !== false) migrateDb(db);
  return db;
}

/** Applies pending migrations. Safe when two processes start at once: the busy timeout serializes them. */
export function migrateDb(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
}

/**
 * Runs `fn` in one synchronous IMMEDIATE transaction. better-sqlite3 transactions must be synchronous: with an
 * async callback a rollback silently does not happen, so do network calls before, never inside.
 * IMMEDIATE takes the write lock up front, so read-then-write sequences cannot deadlock between processes.
 */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' });
}
