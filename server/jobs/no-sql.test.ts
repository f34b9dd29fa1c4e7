/**
 * Jobs are orchestration only (what to do, in what order, batching, backoff): every query and write they cause lives
 * in a service. Guards that no job file reaches for the database itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = path.join(process.cwd(), 'server/jobs');
const jobs = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('job files', () => {
  it.each(jobs)('%s holds no SQL', (file) => {
    let src = fs.readFileSync(path.join(DIR, file), 'utf8');
    // The scheduler runs each job under the job lock (db/job-lock.ts): a lock on the handle, not a query of its own.
    if (file === 'scheduler.ts') {
      src = src
        .replace("import { withJobLock } from '../../db/job-lock';", '')
        .replace('withJobLock(ctx.db,', 'withJobLock(');
    }
    expect(src).not.toMatch(/from 'drizzle-orm/);
    expect(src).not.toMatch(/from '\.\.\/\.\.\/db\//);
    expect(src).not.toMatch(/\bctx\.db\b|\$client|inTransaction/);
  });
});
