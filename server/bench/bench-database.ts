/**
 * The database one bench scenario runs on, per engine: where it is (DATABASE_URL for the servers), how it is seeded
 * before they start, and — on PostgreSQL — a counter of write transactions to show what presence costs the database.
 *
 * Write transactions are measured, not computed: PostgreSQL assigns a transaction id only to a transaction that
 * writes, and `pg_snapshot_xmax(pg_current_snapshot())` is the next id to be assigned (reading it assigns none), so
 * the difference between two readings is the number of write transactions committed or aborted in between, by
 * anyone. (pg_stat_* counters would do too, but backends report them lazily, up to seconds late.)
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { psql } from '../../db/testing/psql';
import { closeDb, openDb, type Db } from '../../db/client';
import { migratePg, openPgPool } from '../../db/client-pg';
import { seedDatabase, type Seeded } from './seed';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres';

export type BenchEngine = 'sqlite' | 'pg';

export interface SeedOptions {
  appid: number;
  students: number;
  courses: number;
  nowS: number;
}

export interface BenchDatabase {
  engine: BenchEngine;
  /** DATABASE_URL for the servers. */
  url: string;
  /** Fills the empty database (applying migrations first): bench accounts with tokens and the course catalogue. */
  seed(opts: SeedOptions): Promise<Seeded>;
  /** Write transactions so far (PostgreSQL); null where the engine cannot say. */
  writeTransactions(): Promise<number | null>;
}

/** A SQLite file in `dir`, seeded through drizzle (seed.ts). */
export function sqliteBenchDatabase(dir: string, name: string): BenchDatabase {
  const file = path.join(dir, `${name}.db`);
  return {
    engine: 'sqlite',
    url: `file:${file}`,
    seed: (opts) => seedWith(openDb(file), opts),
    writeTransactions: async () => null,
  };
}

/** A PostgreSQL cluster for the bench: PG_BENCH_URL or PG_TEST_URL when set, else a throwaway one started here. */
export interface BenchCluster {
  /** A new, empty database on the cluster, one per scenario. */
  database(): Promise<BenchDatabase>;
  stop(): Promise<void>;
  /** Where it came from, for the report (never the password). */
  describe: string;
}

export async function openBenchCluster(): Promise<BenchCluster> {
  const given = process.env.PG_BENCH_URL ?? process.env.PG_TEST_URL;
  let throwaway: ThrowawayPostgres | null = null;
  const admin = given ?? (throwaway = await startThrowawayPostgres()).url;
  const created: string[] = [];
  const where = new URL(admin);
  return {
    describe: `${given ? (process.env.PG_BENCH_URL ? 'PG_BENCH_URL' : 'PG_TEST_URL') : 'throwaway cluster'} at ${where.host}`,
    async database() {
      const name = `edu_bench_${randomBytes(5).toString('hex')}`;
      await psql(admin, `CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(admin);
      url.pathname = `/${name}`;
      return {
        engine: 'pg',
        url: url.toString(),
        seed: (opts) => seedPostgres(url.toString(), opts),
        writeTransactions: async () =>
          Number((await psql(url.toString(), 'SELECT pg_snapshot_xmax(pg_current_snapshot())')).trim()),
      };
    },
    async stop() {
      if (throwaway) await throwaway.stop();
      else for (const name of created) await psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Seeds through the service layer's own handle (opened migrated), then closes it before the servers start. */
async function seedWith(db: Db, opts: SeedOptions): Promise<Seeded> {
  try {
    return await seedDatabase(db, opts);
  } finally {
    await closeDb(db);
  }
}

/** PostgreSQL: applies db/migrations-pg (as a server start would), then seeds through a pool over the same schema. */
async function seedPostgres(url: string, opts: SeedOptions): Promise<Seeded> {
  const o = { url, poolMax: 2, statementTimeoutMs: 0 };
  await migratePg(o);
  return seedWith(openPgPool(o), opts);
}
