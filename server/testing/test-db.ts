/** A fresh, migrated SQLite file in a temp folder per call (a real file, WAL and all, like production). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../db/client';

export function tempDir(prefix = 'edu-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function createTestDb(): { db: Db; file: string; dir: string } {
  const dir = tempDir();
  const file = path.join(dir, 'edu.db');
  return { db: openDb(file), file, dir };
}
