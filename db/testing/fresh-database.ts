/**
 * A fresh, empty database for tests that start real server processes (server/testing/instances.ts), on the engine the
 * rest of the suite uses: a SQLite file in a temp folder by default; a new PostgreSQL database on the cluster of
 * `PG_TEST_URL` when the suite runs on PostgreSQL (TEST_ENGINE=pg, `npm run test:pg`). The servers apply migrations themselves at start. `scalar` reads one number back
 * for checks the protocol cannot see (IM log, course events), read-only, with `?` placeholders on both engines.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { psql } from './psql';
import { testEngine, type TestEngine } from './test-engine';

export type Engine = TestEngine;

export interface FreshDatabase {
  engine: Engine;
  /** The DATABASE_URL to give the servers. */
  url: string;
  /** The first column of the first row of a read-only query (a count, an attempt counter …), as a number. */
  scalar(sql: string, params?: (string | number)[]): Promise<number>;
  /** Deletes the database (the SQLite file goes with its temp folder, which the caller removes). */
  drop(): Promise<void>;
}

/**
 * ── The one place that makes a fresh database for multi-process tests. ──
 * SQLite: `file:<dir>/edu.db` (created and migrated by the first server that opens it).
 * PostgreSQL: `CREATE DATABASE` of a random name on PG_TEST_URL's cluster, through psql (no driver needed in the
 * test process); its URL is PG_TEST_URL with that database name. The servers migrate it at start.
 */
export async function freshDatabase(dir: string): Promise<FreshDatabase> {
  const pgUrl = process.env.PG_TEST_URL;
  if (testEngine() === 'sqlite' || !pgUrl) return sqliteDatabase(path.join(dir, 'edu.db'));
  const name = `edu_mi_${randomBytes(6).toString('hex')}`;
  await psql(pgUrl, `CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return {
    engine: 'pg',
    url: url.toString(),
    scalar: async (sql, params = []) => Number((await psql(url.toString(), literal(sql, params))).trim()),
    drop: async () => void (await psql(pgUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

function sqliteDatabase(file: string): FreshDatabase {
  return {
    engine: 'sqlite',
    url: `file:${file}`,
    async scalar(sql, params = []) {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const row = db
          .prepare(sql)
          .raw()
          .get(...params) as unknown[] | undefined;
        return Number(row?.[0]);
      } finally {
        db.close();
      }
    },
    drop: async () => {},
  };
}

/** Replaces each `?` with a SQL literal (tests pass numbers and plain ids only). */
function literal(sql: string, params: (string | number)[]): string {
  let i = 0;
  return sql.replace(/\?/g, () => {
    const p = params[i++];
    if (typeof p === 'number' && Number.isFinite(p)) return String(p);
    if (typeof p === 'string') return `'${p.replace(/'/g, "''")}'`;
    throw new Error(`parameter ${i} missing or not a finite number/string`);
  });
}
