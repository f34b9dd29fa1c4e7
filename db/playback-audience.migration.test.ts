/**
 * Migration playback_audience, on the suite's engine: a course published before the audience existed keeps reaching
 * the students who attended ('attendees'), never more; after it, the audience is a column of its own.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { closeDb, migrateDb, MIGRATIONS_DIR, openDb } from './client';
import { migratePg, PG_MIGRATIONS_DIR } from './client-pg';
import { rawRows } from './dialect';
import { createPgTestDatabase } from './testing/pg-test-db';
import { migrationsBefore } from './testing/migrations-before';
import { tempDir } from './testing/test-db';
import { testEngine } from './testing/test-engine';

const OLD_ROWS = `
  INSERT INTO users (uid, pwd_hash, role, created_at) VALUES ('teacher1', 'x', 1, 1);
  INSERT INTO courses (appid, host_uid, title, state, created_at, list_time, playback_published)
    VALUES (1400000000, 'teacher1', 'published', 3, 1, 1, 1), (1400000000, 'teacher1', 'private', 3, 2, 2, 0);
`;
const AFTER = 'SELECT title, playback_published, playback_audience FROM courses ORDER BY title';
const EXPECTED = [
  { title: 'private', playback_published: 0, playback_audience: 'attendees' },
  { title: 'published', playback_published: 1, playback_audience: 'attendees' },
];

describe('migration playback_audience', () => {
  it.skipIf(testEngine() !== 'sqlite')('SQLite: rows published before it reach attendees only', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'edu.db');
    const db = openDb(file, { migrate: false });
    migrate(db, { migrationsFolder: migrationsBefore(MIGRATIONS_DIR, 'playback_audience', dir) });
    // The old rows through a connection of their own, as the previous version of the server wrote them.
    const old = new Database(file);
    old.exec(OLD_ROWS);
    old.close();
    migrateDb(db);
    expect(await rawRows(db, sql.raw(AFTER))).toEqual(EXPECTED);
    await closeDb(db);
  });

  it.skipIf(testEngine() !== 'pg')('PostgreSQL: rows published before it reach attendees only', async () => {
    const dir = tempDir();
    const database = await createPgTestDatabase();
    const o = { url: database.url, poolMax: 1, statementTimeoutMs: 0 };
    const client = new pg.Client({ connectionString: database.url });
    try {
      await migratePg(o, migrationsBefore(PG_MIGRATIONS_DIR, 'playback_audience', dir));
      await client.connect();
      await client.query(OLD_ROWS);
      await migratePg(o);
      expect((await client.query(AFTER)).rows).toEqual(EXPECTED);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
