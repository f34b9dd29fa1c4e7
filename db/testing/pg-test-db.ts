/**
 * PostgreSQL for tests: PG_TEST_URL names a server tests may create databases on (the throwaway cluster of
 * scripts/pg-throwaway.sh; `.ci/run` starts one and sets it). Each call makes a fresh, empty database there, so test
 * files never see each other's rows; `drop` removes it. Without PG_TEST_URL the PostgreSQL tests skip, saying why.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server PostgreSQL tests run against, or undefined (they skip). */
export const PG_TEST_URL: string | undefined = process.env.PG_TEST_URL || undefined;

export const PG_SKIP_REASON =
  'PostgreSQL tests skipped: PG_TEST_URL is not set (start one with `eval "$(scripts/pg-throwaway.sh start)"`)';

/** Runs `sql` on the server's maintenance connection (the PG_TEST_URL database). */
async function admin(sql: string): Promise<void> {
  if (!PG_TEST_URL) throw new Error(PG_SKIP_REASON);
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new empty database on the PG_TEST_URL server: its URL and a `drop` that removes it (connections and all). */
export async function createPgTestDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `edu_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_TEST_URL!);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
