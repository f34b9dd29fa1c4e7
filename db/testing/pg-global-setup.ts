/**
 * vitest global setup: on TEST_ENGINE=pg, migrates one template database for the run and drops every database the
 * run created at the end. On SQLite it does nothing.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migratePg } from '../client-pg';
import { PG_TEMPLATE_ENV, PG_TEST_DB_PREFIX, pgTestUrl, psqlSync, testEngine } from './test-engine';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (testEngine() !== 'pg') return undefined;
  const run = randomBytes(4).toString('hex');
  const template = `${PG_TEST_DB_PREFIX}tmpl_${run}`;
  psqlSync(`CREATE DATABASE ${template}`);
  await migratePg({ url: pgTestUrl(template), poolMax: 1, statementTimeoutMs: 0 });
  process.env[PG_TEMPLATE_ENV] = template;
  return async () => {
    const admin = new pg.Client({ connectionString: process.env.PG_TEST_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
        `${PG_TEST_DB_PREFIX}%${run}%`,
      ]);
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
}
