/**
 * Which engine the test suite runs on: SQLite temp files (`npm test`, the default) or PostgreSQL (`npm run test:pg`:
 * TEST_ENGINE=pg with PG_TEST_URL naming a server tests may create databases on, e.g. the throwaway cluster of
 * scripts/pg-throwaway.sh). On PostgreSQL, vitest's global setup (db/testing/pg-global-setup.ts) migrates one
 * template database per run, and every test database is a copy of it (CREATE DATABASE … TEMPLATE: milliseconds).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { psqlBinary } from './psql';

export type TestEngine = 'sqlite' | 'pg';

export function testEngine(): TestEngine {
  const e = process.env.TEST_ENGINE ?? 'sqlite';
  if (e !== 'sqlite' && e !== 'pg') throw new Error(`TEST_ENGINE must be sqlite or pg (got ${e})`);
  if (e === 'pg' && !process.env.PG_TEST_URL) {
    throw new Error('TEST_ENGINE=pg needs PG_TEST_URL: start a server with `eval "$(scripts/pg-throwaway.sh start)"`');
  }
  return e;
}

/** The template database global setup migrated for this run (set in the environment the test workers inherit). */
export const PG_TEMPLATE_ENV = 'EDU_PG_TEMPLATE_DB';
/** Every database a run creates starts with this prefix plus the run's id, so teardown can drop them all. */
export const PG_TEST_DB_PREFIX = 'edu_t_';

/** Runs one statement on PG_TEST_URL's database, synchronously (test set-up that must stay synchronous). */
export function psqlSync(statement: string): void {
  execFileSync(
    psqlBinary(),
    ['--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-q', '-d', process.env.PG_TEST_URL!, '-c', statement],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

/** The URL of database `name` on the PG_TEST_URL server. */
export function pgTestUrl(name: string): string {
  const url = new URL(process.env.PG_TEST_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh copy of the run's migrated template: its name and URL. */
export function createPgTestDatabaseSync(): { name: string; url: string } {
  const template = process.env[PG_TEMPLATE_ENV];
  if (!template) throw new Error(`${PG_TEMPLATE_ENV} is unset: run PostgreSQL tests through vitest (global setup)`);
  const name = `${template.replace('_tmpl_', '_')}_${randomBytes(5).toString('hex')}`;
  psqlSync(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  return { name, url: pgTestUrl(name) };
}
