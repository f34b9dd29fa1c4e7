/**
 * A fresh, migrated database per call on the suite's engine (db/testing/test-engine.ts): a SQLite file in a temp
 * folder (a real file, WAL and all, like production), or a PostgreSQL database copied from the run's template.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../client';
import { openPgPool } from '../client-pg';
import { createPgTestDatabaseSync, testEngine } from './test-engine';

export function tempDir(prefix = 'edu-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestDb {
  db: Db;
  /** A DATABASE_URL naming this database (a file path for SQLite). */
  url: string;
  /** A temp folder for the test's files (storage, secrets). */
  dir: string;
}

export function createTestDb(): TestDb {
  const dir = tempDir();
  if (testEngine() === 'pg') {
    const { url } = createPgTestDatabaseSync();
    return { db: openTestPgPool(url), url, dir };
  }
  const file = path.join(dir, 'edu.db');
  return { db: openDb(file), url: file, dir };
}

/** A second handle on the same database, as another process would have (tests of cross-process behaviour). */
export function openSecondHandle(t: { url: string }): Db {
  return testEngine() === 'pg' ? openTestPgPool(t.url) : openDb(t.url);
}

function openTestPgPool(url: string): Db {
  // Few connections, closed soon when idle: a suite opens hundreds of these databases on one server.
  return openPgPool({ url, poolMax: 4, statementTimeoutMs: 10_000 }, { idleTimeoutMs: 300 });
}
