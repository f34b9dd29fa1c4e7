/**
 * The bench's PostgreSQL pieces against a real throwaway cluster (skipped when PostgreSQL is not installed): the
 * cluster starts as a non-root owner and leaves nothing behind, each scenario gets its own empty database, and the
 * write counter counts exactly the transactions that wrote (reads are free), which is what the bench reports as
 * "DB writes/s" to show coalesced presence.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { psql } from '../../db/testing/psql';
import { openBenchCluster } from './bench-database';

const installed =
  fs.existsSync('/usr/lib/postgresql') &&
  fs.readdirSync('/usr/lib/postgresql').some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));

/**
 * The folders of scripts/pg-throwaway.sh clusters listening on `port` (each keeps its URL in `url`). Other test files
 * may start clusters of their own meanwhile, so only this one's folder is looked for.
 */
const foldersOf = (port: string) =>
  fs
    .readdirSync('/tmp')
    .filter((f) => f.startsWith('pg-throwaway.'))
    .filter((f) => {
      try {
        return fs.readFileSync(`/tmp/${f}/url`, 'utf8').includes(`@127.0.0.1:${port}/`);
      } catch {
        return false;
      }
    });

describe.skipIf(!installed)('bench PostgreSQL', () => {
  it('a throwaway cluster: fresh databases, an exact write-transaction counter, nothing left after stop', async () => {
    // Without PG_BENCH_URL/PG_TEST_URL the bench starts its own cluster: that is what this test is about, so it runs
    // in CI too (where PG_TEST_URL names the suite's cluster) with both unset for the call.
    const given = { bench: process.env.PG_BENCH_URL, test: process.env.PG_TEST_URL };
    delete process.env.PG_BENCH_URL;
    delete process.env.PG_TEST_URL;
    let cluster: Awaited<ReturnType<typeof openBenchCluster>>;
    try {
      cluster = await openBenchCluster();
    } finally {
      if (given.bench !== undefined) process.env.PG_BENCH_URL = given.bench;
      if (given.test !== undefined) process.env.PG_TEST_URL = given.test;
    }
    const port = /^throwaway cluster at 127\.0\.0\.1:(\d+)$/.exec(cluster.describe)?.[1];
    expect(port).toBeDefined();
    expect(foldersOf(port!)).toHaveLength(1);
    try {
      const a = await cluster.database();
      const b = await cluster.database();
      expect(a.url).not.toBe(b.url);
      expect(a.engine).toBe('pg');
      await psql(a.url, 'CREATE TABLE t (x int)');
      expect((await psql(b.url, "SELECT count(*) FROM pg_tables WHERE tablename = 't'")).trim()).toBe('0');

      const w0 = await a.writeTransactions();
      for (let i = 0; i < 4; i++) await psql(a.url, `INSERT INTO t VALUES (${i})`);
      await psql(a.url, 'BEGIN; INSERT INTO t VALUES (9); UPDATE t SET x = x + 1; COMMIT;');
      for (let i = 0; i < 3; i++) await psql(a.url, 'SELECT count(*) FROM t');
      const w1 = await a.writeTransactions();
      expect(w1! - w0!).toBe(5);
      expect(await a.writeTransactions()).toBe(w1);
    } finally {
      await cluster.stop();
    }
    expect(foldersOf(port!)).toEqual([]);
  });
});
