/**
 * A throwaway PostgreSQL cluster for `npm run bench -- --pg` when neither PG_BENCH_URL nor PG_TEST_URL names one:
 * initdb into a fresh temp folder, postgres on a free loopback port (unix socket in that folder) with PostgreSQL's
 * default durability settings (a bench should pay what production pays), a superuser `edu` with a random password;
 * stop() shuts it down and deletes the folder.
 * PostgreSQL refuses to run as root, so as root the cluster runs as the system user `pgtest` (created with useradd
 * when missing). The binaries: PG_BIN, else the newest /usr/lib/postgresql/<version>/bin.
 * (The PostgreSQL groundwork has the same as a script for tests and CI; one of the two is to go at merge.)
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes';

const run = promisify(execFile);
const OWNER = 'pgtest';

export interface ThrowawayPostgres {
  /** postgres://edu:<password>@127.0.0.1:<port>/postgres */
  url: string;
  stop(): Promise<void>;
}

function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL in ${root}/*/bin (apt-get install postgresql)`);
  return path.join(root, versions[0]!, 'bin');
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the cluster's owner (`pgtest` when we are root). */
async function asOwner(cmd: string, args: string[]): Promise<void> {
  if (isRoot()) await run('runuser', ['-u', OWNER, '--', cmd, ...args]);
  else await run(cmd, args);
}

async function ensureOwner(): Promise<void> {
  if (!isRoot()) return;
  try {
    await run('id', ['-u', OWNER]);
  } catch {
    await run('useradd', [
      '--system',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      OWNER,
    ]);
  }
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = pgBin();
  await ensureOwner();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edu-bench-pg-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(16).toString('hex');
  const pwFile = path.join(dir, 'pw');
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', OWNER]);
    const uid = Number(stdout.trim());
    fs.chownSync(dir, uid, -1);
    fs.chownSync(pwFile, uid, -1);
  }
  fs.chmodSync(dir, 0o700);
  let started = false;
  const stop = async () => {
    if (started) await asOwner(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    started = false;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await asOwner(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'edu',
      `--pwfile=${pwFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    fs.rmSync(pwFile);
    const port = await freePort();
    // max_connections covers three instances' pools (PG_POOL_MAX 10 each) plus the bench's own probes.
    const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c max_connections=100`;
    await asOwner(path.join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-o',
      opts,
      '-w',
      'start',
    ]);
    started = true;
    return { url: `postgres://edu:${password}@127.0.0.1:${port}/postgres`, stop };
  } catch (e) {
    const log = path.join(dir, 'server.log');
    const detail = fs.existsSync(log) ? `\n${fs.readFileSync(log, 'utf8')}` : '';
    await stop();
    throw new Error(`throwaway PostgreSQL did not start: ${(e as Error).message}${detail}`);
  }
}
