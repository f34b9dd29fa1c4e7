/**
 * The few SQL spellings that differ between SQLite and PostgreSQL, chosen by the handle's engine. Services use these
 * instead of writing engine-specific functions in `sql` fragments (db/client.ts explains the portability rules).
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { engineOf, type Db, type Tx } from './client';

type Handle = Db | Tx;

/** The larger of two values (SQLite's two-argument `max`, PostgreSQL's `greatest`). */
export function greatest(db: Handle, a: SQLWrapper | number, b: SQLWrapper | number): SQL<number> {
  return engineOf(db) === 'pg' ? sql<number>`greatest(${a}, ${b})` : sql<number>`max(${a}, ${b})`;
}

/** Whether `haystack` contains `needle`, ignoring case (no LIKE wildcards to escape). */
export function containsIgnoringCase(db: Handle, haystack: SQLWrapper, needle: string): SQL<boolean> {
  return engineOf(db) === 'pg'
    ? sql<boolean>`strpos(lower(${haystack}), lower(cast(${needle} as text))) > 0`
    : sql<boolean>`instr(lower(${haystack}), lower(${needle})) > 0`;
}

/** Rows of a raw query (tests, reports): better-sqlite3's `all`, node-postgres' `execute().rows`. */
export async function rawRows<T>(db: Handle, query: SQL): Promise<T[]> {
  if (engineOf(db) === 'pg') {
    const r = (await (db as unknown as PgExecutor).execute(query)) as { rows: T[] };
    return r.rows;
  }
  return (db as unknown as SqliteExecutor).all<T>(query);
}

interface PgExecutor {
  execute(query: SQL): Promise<unknown>;
}
interface SqliteExecutor {
  all<T>(query: SQL): T[];
}

/** Runs a raw write inside a transaction (bulk statements the builder cannot express, such as UPDATE … FROM VALUES). */
export async function rawWrite(tx: Tx, query: SQL): Promise<void> {
  if (engineOf(tx) === 'pg') await (tx as unknown as PgExecutor).execute(query);
  else (tx as unknown as SqliteRunner).run(query);
}

interface SqliteRunner {
  run(query: SQL): unknown;
}

/**
 * Tells the other instances, when this transaction commits, that `payload` happened on `channel` (PostgreSQL NOTIFY;
 * db/pg-listen.ts hears it). SQLite: nothing to tell — its processes cache nothing that needs it (hot-read-cache.ts).
 */
export async function notifyOnCommit(tx: Tx, channel: string, payload: string): Promise<void> {
  if (engineOf(tx) === 'pg') await rawRows(tx, sql`select pg_notify(${channel}, ${payload})`);
}
