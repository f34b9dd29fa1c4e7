/**
 * scripts/pg-throwaway.sh, which CI starts once for the PostgreSQL tests: a cluster comes up as a non-root user on a
 * loopback port with fsync off, answers at the URL it prints, and `stop` leaves nothing (no folder, no server); twice
 * in a row gives two independent clusters. Runs where PostgreSQL tests run (PG_TEST_URL set, so the binaries exist).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_SKIP_REASON, PG_TEST_URL } from '../../db/testing/pg-test-db';
import { tempDir } from '../../db/testing/test-db';

const SCRIPT = path.resolve(__dirname, '../../scripts/pg-throwaway.sh');

/** `start`, parsed from the export lines it prints for eval. */
function start(): { dir: string; url: string } {
  const out = execFileSync(SCRIPT, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const value = (name: string) => new RegExp(`^export ${name}='([^']+)'$`, 'm').exec(out)?.[1];
  const dir = value('PG_THROWAWAY_DIR');
  const url = value('PG_TEST_URL');
  if (!dir || !url) throw new Error(`unexpected output of start: ${out}`);
  return { dir, url };
}

async function query(url: string, text: string): Promise<Record<string, unknown>> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return (await c.query(text)).rows[0] as Record<string, unknown>;
  } finally {
    await c.end();
  }
}

describe.skipIf(!PG_TEST_URL)(`scripts/pg-throwaway.sh${PG_TEST_URL ? '' : ` (${PG_SKIP_REASON})`}`, () => {
  it('starts a private cluster and stop removes everything, twice in a row', async () => {
    const seen: { dir: string; port: string }[] = [];
    for (let round = 0; round < 2; round++) {
      const { dir, url } = start();
      const u = new URL(url);
      seen.push({ dir, port: u.port });
      expect(u.hostname).toBe('127.0.0.1');
      expect(
        await query(
          url,
          `SELECT current_user AS who, current_database() AS db,
        current_setting('fsync') AS fsync, current_setting('listen_addresses') AS listen`,
        ),
      ).toEqual({
        who: 'edu',
        db: 'edu',
        fsync: 'off',
        listen: '127.0.0.1',
      });
      // The server runs as someone other than root (PostgreSQL refuses root; as root the script uses `pgtest`).
      expect(fs.statSync(path.join(dir, 'data')).uid).not.toBe(0);
      // Only the password opens it over TCP.
      u.password = 'wrong';
      await expect(query(u.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);

      const stop = spawnSync(SCRIPT, ['stop', dir], { encoding: 'utf8' });
      expect(stop.status).toBe(0);
      expect(fs.existsSync(dir)).toBe(false);
      await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    }
    expect(seen[0]?.dir).not.toBe(seen[1]?.dir);
  });

  it('stop refuses a folder it did not make, and leaves it alone', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'x');
    const r = spawnSync(SCRIPT, ['stop', dir], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('is not a pg-throwaway folder');
    expect(fs.existsSync(path.join(dir, 'keep.txt'))).toBe(true);
  });
});
