/**
 * One SQL statement through Debian's `psql` client (unaligned, tuples only, no psqlrc, stop on error); its stdout.
 * For test and bench set-up around PostgreSQL (create/drop a database, read a counter) without a driver in the
 * calling process.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function psql(url: string, sql: string): Promise<string> {
  const { stdout } = await run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql]);
  return stdout;
}
