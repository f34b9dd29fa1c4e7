/**
 * Opens PostgreSQL for DATABASE_URL=postgres://… (node-postgres `pg` Pool + drizzle's node-postgres driver over
 * db/schema-pg.ts). `openPgDb` applies db/migrations-pg first, under an advisory lock, so several instances starting
 * together migrate once. The SQLite twin is db/client.ts.
 */
import path from 'node:path';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { attachRunner, type Db } from './client';
import type { PgOptions, PgSslMode } from './pg-options';
import { pgRunner } from './pg-transactions';
import * as serviceSchema from './schema';
import * as schema from './schema-pg';

export type { PgOptions } from './pg-options';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

/** Resolved from the working directory, like MIGRATIONS_DIR (every entry runs from the project root). */
export const PG_MIGRATIONS_DIR = path.resolve(process.cwd(), 'db/migrations-pg');

/**
 * int8 (bigint, count(*), sum of integers) arrives as text; node-postgres would hand it over as a string. Read it
 * as a JS number, exactly or not at all: a value beyond Number.MAX_SAFE_INTEGER fails the query instead of being
 * silently rounded. The parser is process-wide (drizzle's node-postgres driver falls back to pg's global parsers).
 */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`int8 value ${text} is beyond Number.MAX_SAFE_INTEGER: refusing to round it`);
  }
  return n;
}
pg.types.setTypeParser(pg.types.builtins.INT8, parseInt8);

/** node-postgres's reading of libpq's sslmode (what it does itself with PGSSLMODE, made explicit here). */
function sslFor(mode: PgSslMode | undefined): pg.ClientConfig['ssl'] {
  if (mode === undefined || mode === 'disable') return false;
  if (mode === 'no-verify') return { rejectUnauthorized: false };
  return true;
}

/** Connection settings shared by the pool, the migration connection and listeners (db/pg-listen.ts). */
export function pgClientConfig(o: PgOptions): pg.ClientConfig {
  // The URL's own parameters (sslmode…) override these: node-postgres merges the parsed URL over the config.
  return { connectionString: o.url, ssl: sslFor(o.sslmode), application_name: 'edu-classroom' };
}

export function pgPoolConfig(o: PgOptions): pg.PoolConfig {
  return {
    ...pgClientConfig(o),
    max: o.poolMax,
    statement_timeout: o.statementTimeoutMs,
    idle_in_transaction_session_timeout: o.statementTimeoutMs,
  };
}

/**
 * Applies pending db/migrations-pg on one dedicated connection holding a session advisory lock: a second instance
 * starting at the same time waits for the first, then finds nothing left to do (drizzle's migrator alone would race
 * on creating its own schema and apply the same migration twice). No statement timeout on this connection: a
 * migration, or waiting for another instance's, may take longer than a request may.
 */
export async function migratePg(o: PgOptions, migrationsFolder = PG_MIGRATIONS_DIR): Promise<void> {
  const client = new pg.Client(pgClientConfig(o));
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(hashtextextended('edu-classroom:migrations', 0))`);
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtextextended('edu-classroom:migrations', 0))`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Migrates (unless `migrate: false`), then opens the pool. `onIdleError` hears errors of idle pooled connections
 * (the server restarted, a network cut); the pool drops such a connection and opens another when needed.
 */
export async function openPgDb(
  o: PgOptions,
  opts: { migrate?: boolean; onIdleError?: (e: Error) => void } = {},
): Promise<PgDb> {
  if (opts.migrate !== false) await migratePg(o);
  const pool = new pg.Pool(pgPoolConfig(o));
  // Without a listener an idle connection's error would be an unhandled 'error' event and end the process.
  pool.on('error', (e) => opts.onIdleError?.(e));
  return drizzle(pool, { schema });
}

/**
 * The handle services get on PostgreSQL (ctx.db): the pool, with drizzle built over db/schema.ts — the same table
 * objects the services import, which drizzle renders as PostgreSQL SQL through this handle (db/client.ts explains
 * why; db/schema-pg.ts describes the same tables to drizzle-kit and is kept equal by db/schema-parity.test.ts).
 * Opening is synchronous and does not migrate (the pool connects on first use): entries run `migratePg` first.
 */
export function openPgPool(o: PgOptions, opts: { onIdleError?: (e: Error) => void; idleTimeoutMs?: number } = {}): Db {
  const pool = new pg.Pool({
    ...pgPoolConfig(o),
    ...(opts.idleTimeoutMs ? { idleTimeoutMillis: opts.idleTimeoutMs } : {}),
  });
  pool.on('error', (e) => opts.onIdleError?.(e));
  const db = drizzle(pool, { schema: serviceSchema });
  return attachRunner(db, pgRunner(db, pool)) as unknown as Db;
}
