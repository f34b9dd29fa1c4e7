/**
 * One SQL statement through Debian's `psql` client (unaligned, tuples only, no psqlrc, stop on error); its stdout.
 * For test and bench set-up around PostgreSQL (create/drop a database, read a counter) without a driver in the
 * calling process.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function psql(url: string, sql: string): Promise<string> {
  const { stdout } = await run(psqlBinary(), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql]);
  return stdout;
}

/** psql: beside the server binaries (PG_BIN, or the newest /usr/lib/postgresql/N/bin), else from PATH. */
export function psqlBinary(): string {
  const dirs = process.env.PG_BIN
    ? [process.env.PG_BIN]
    : fs.existsSync('/usr/lib/postgresql')
      ? fs
          .readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : [];
  for (const d of dirs) if (fs.existsSync(`${d}/psql`)) return `${d}/psql`;
  return 'psql';
}
