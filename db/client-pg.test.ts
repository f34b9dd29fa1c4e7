/**
 * db/client-pg.ts against a real PostgreSQL (PG_TEST_URL, see db/testing/pg-test-db.ts; skipped without it):
 * the migrations apply (three instances starting together migrate once), the trigger functions keep course_counts and
 * the course-list version exactly as the SQLite triggers do (same statements run on both engines, compared step by
 * step), room numbers start at 10001 and are never reissued, int8 comes back as an exact JS number or not at all,
 * and the pool carries the statement / idle-in-transaction timeouts.
 */
/* eslint-disable no-restricted-syntax -- an engine-level test: it checks the drivers themselves (raw pool queries,
   the SQLite connection beside them), which services must never reach. */
import fs from 'node:fs';
import path from 'node:path';
import { eq, getTableColumns, is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from './client';
import { migratePg, openPgDb, PG_MIGRATIONS_DIR, pgPoolConfig, type PgDb, type PgOptions } from './client-pg';
import * as pgSchema from './schema-pg';
import { courses, users } from './schema-pg';
import { createPgTestDatabase, PG_SKIP_REASON, PG_TEST_URL } from './testing/pg-test-db';
import { tempDir } from './testing/test-db';

if (!PG_TEST_URL) console.warn(PG_SKIP_REASON);

const options = (url: string, over: Partial<PgOptions> = {}): PgOptions => ({
  url,
  poolMax: 4,
  statementTimeoutMs: 5000,
  ...over,
});

const journal = JSON.parse(fs.readFileSync(path.join(PG_MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};

/** A fresh database for one test: migrated (or not), with its pool; everything dropped after the file. */
const cleanups: (() => Promise<void>)[] = [];
async function freshDb(opts: { migrate?: boolean; over?: Partial<PgOptions> } = {}) {
  const { url, drop } = await createPgTestDatabase();
  const db = await openPgDb(options(url, opts.over), { migrate: opts.migrate });
  cleanups.push(async () => {
    await db.$client.end();
    await drop();
  });
  return { url, db };
}

describe.skipIf(!PG_TEST_URL)(`client-pg on PostgreSQL${PG_TEST_URL ? '' : ` (${PG_SKIP_REASON})`}`, () => {
  afterAll(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('applies every migration: the tables and columns of schema-pg, the triggers, the version row', async () => {
    const { db } = await freshDb();
    const q = async <T>(text: string) => (await db.$client.query(text)).rows as T[];
    // The generated migrations match schema-pg.ts (someone editing it without `drizzle-kit generate` fails here).
    const actual = await q<{ t: string; c: string; type: string; nullable: string }>(`SELECT table_name AS t,
      column_name AS c, data_type AS type, is_nullable AS nullable FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, column_name`);
    const expected = (Object.values(pgSchema) as unknown[])
      .filter((v): v is PgTable => is(v, PgTable))
      .flatMap((t) =>
        Object.values(getTableColumns(t)).map((c) => ({
          t: getTableConfig(t).name,
          c: c.name,
          type: c.getSQLType(),
          nullable: c.notNull ? 'NO' : 'YES',
        })),
      )
      .sort((a, b) => a.t.localeCompare(b.t) || a.c.localeCompare(b.c));
    expect(actual).toEqual(expected);
    expect(new Set(actual.map((r) => r.t)).size).toBeGreaterThanOrEqual(15);
    expect(await q('SELECT count(*) AS n FROM drizzle.__drizzle_migrations')).toEqual([{ n: journal.entries.length }]);
    const triggers = (
      await q<{ name: string }>(`SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`)
    ).map((r) => r.name);
    expect(triggers).toEqual([
      'course_counts_del',
      'course_counts_ins',
      'course_counts_upd',
      'course_list_v_course_del',
      'course_list_v_course_ins',
      'course_list_v_course_upd',
      'course_list_v_member_del',
      'course_list_v_member_exit',
      'course_list_v_member_ins',
      'course_order_v_del',
      'course_order_v_ins',
      'course_order_v_upd',
    ]);
    expect(await q('SELECT name, version FROM data_versions ORDER BY name')).toEqual([
      { name: 'course_list', version: 1 },
      { name: 'course_order', version: 1 },
    ]);
  });

  it('three instances migrating the same new database at once: each succeeds, each migration is applied once', async () => {
    const { url, drop } = await createPgTestDatabase();
    cleanups.push(drop);
    // A 1 ms statement timeout for the pools: the migration connection must not inherit it.
    const o = options(url, { statementTimeoutMs: 1 });
    const results = await Promise.allSettled([migratePg(o), migratePg(o), migratePg(o)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const rows = (await c.query('SELECT hash FROM drizzle.__drizzle_migrations ORDER BY id')).rows as unknown[];
      expect(rows).toHaveLength(journal.entries.length);
      expect((await c.query(`SELECT version FROM data_versions WHERE name = 'course_list'`)).rows).toEqual([
        { version: 1 },
      ]);
      // A later start finds nothing to do.
      await migratePg(o);
      expect((await c.query('SELECT count(*) AS n FROM drizzle.__drizzle_migrations')).rows[0]).toEqual({
        n: journal.entries.length,
      });
    } finally {
      await c.end();
    }
  });

  it('room numbers start at 10001, are never reissued, and cannot be chosen by an insert', async () => {
    const { db } = await freshDb();
    await db.insert(users).values({ uid: 't1', pwdHash: 'x', role: 1, createdAt: 1 });
    const add = async (title: string) => {
      const [row] = await db
        .insert(courses)
        .values({ appid: 1400000000, hostUid: 't1', title, createdAt: 1, listTime: 1 })
        .returning({ roomnum: courses.roomnum });
      return row?.roomnum;
    };
    expect(await add('a')).toBe(10001);
    expect(await add('b')).toBe(10002);
    await db.delete(courses).where(eq(courses.roomnum, 10002));
    expect(await add('c')).toBe(10003);
    await expect(
      db.$client.query(`INSERT INTO courses (roomnum, appid, host_uid, title, created_at, list_time)
        VALUES (10002, 1, 't1', 'x', 1, 1)`),
    ).rejects.toThrow(/cannot insert a non-DEFAULT value into column "roomnum"/);
  });

  it('stores booleans as SQLite does (integer 0/1) and reads them back as booleans', async () => {
    const { db } = await freshDb();
    await db.insert(users).values({ uid: 't1', pwdHash: 'x', role: 1, createdAt: 1 });
    const base = { appid: 1, hostUid: 't1', createdAt: 1, listTime: 1 };
    await db.insert(courses).values([
      { ...base, title: 'default' },
      { ...base, title: 'published', playbackPublished: true },
    ]);
    const raw = await db.$client.query('SELECT title, playback_published FROM courses ORDER BY roomnum');
    expect(raw.rows).toEqual([
      { title: 'default', playback_published: 0 },
      { title: 'published', playback_published: 1 },
    ]);
    const read = await db
      .select({ t: courses.title, p: courses.playbackPublished })
      .from(courses)
      .orderBy(courses.roomnum);
    expect(read).toEqual([
      { t: 'default', p: false },
      { t: 'published', p: true },
    ]);
    await db.update(courses).set({ playbackPublished: false }).where(eq(courses.title, 'published'));
    expect(
      (await db.$client.query(`SELECT playback_published AS p FROM courses WHERE title = 'published'`)).rows,
    ).toEqual([{ p: 0 }]);
  });

  it('int8 comes back as an exact JS number, and a value a number cannot hold fails the query', async () => {
    const { db } = await freshDb({ migrate: false });
    const one = async (text: string) => (await db.$client.query(text)).rows[0] as Record<string, unknown>;
    expect(await one('SELECT 9007199254740991::int8 AS v, count(*) AS n FROM generate_series(1, 3)')).toEqual({
      v: Number.MAX_SAFE_INTEGER,
      n: 3,
    });
    expect(await one('SELECT (-9007199254740991)::int8 AS v')).toEqual({ v: -Number.MAX_SAFE_INTEGER });
    await expect(one('SELECT 9007199254740992::int8 AS v')).rejects.toThrow(/beyond Number.MAX_SAFE_INTEGER/);
    // Through drizzle too (it wraps the driver's error as the cause).
    await expect(db.execute(sql`SELECT ${'9223372036854775807'}::int8 AS v`)).rejects.toMatchObject({
      cause: expect.objectContaining({ message: expect.stringMatching(/beyond Number.MAX_SAFE_INTEGER/) }),
    });
    // The connection is still usable after the refused row.
    expect(await one('SELECT 42::int8 AS v')).toEqual({ v: 42 });
  });

  it('the pool carries the statement and idle-in-transaction timeouts and the pool size', async () => {
    expect(pgPoolConfig(options('postgres://u@h/d', { poolMax: 7, statementTimeoutMs: 1234 }))).toMatchObject({
      max: 7,
      statement_timeout: 1234,
      idle_in_transaction_session_timeout: 1234,
      ssl: false,
    });
    expect(pgPoolConfig(options('postgres://u@h/d', { sslmode: 'no-verify' })).ssl).toEqual({
      rejectUnauthorized: false,
    });
    expect(pgPoolConfig(options('postgres://u@h/d', { sslmode: 'verify-full' })).ssl).toBe(true);

    const { db } = await freshDb({ migrate: false, over: { statementTimeoutMs: 300 } });
    const show = async (name: string) => (await db.$client.query(`SHOW ${name}`)).rows[0][name] as string;
    expect(await show('statement_timeout')).toBe('300ms');
    expect(await show('idle_in_transaction_session_timeout')).toBe('300ms');
    await expect(db.$client.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
  });

  describe('triggers: the same statements on SQLite and PostgreSQL change course_counts and the list version alike', () => {
    let pgDb: PgDb;
    beforeAll(async () => {
      pgDb = (await freshDb()).db;
    });

    // Plain SQL both dialects read the same way. Each step: the statement, then (checked on both engines) how much
    // the course-list version moved.
    const A = 1400000000;
    const course = (host: string, title: string, state: number) =>
      `INSERT INTO courses (appid, host_uid, title, state, created_at, list_time) VALUES (${A}, '${host}', '${title}', ${state}, 1, 1)`;
    const steps: [string, number][] = [
      [
        `INSERT INTO users (uid, pwd_hash, role, created_at) VALUES ('t1', 'x', 1, 1), ('t2', 'x', 1, 1), ('s1', 'x', 0, 1)`,
        0,
      ],
      ...Array.from({ length: 12 }, (_, i): [string, number] => [course(i % 3 ? 't1' : 't2', `c${i}`, i % 4), 1]),
      [
        `INSERT INTO courses (appid, host_uid, title, created_at, list_time) VALUES (${A + 1}, 't1', 'other app', 1, 1)`,
        1,
      ],
      // Heartbeats are not something roomlist shows: no bump, however many rows.
      [`UPDATE courses SET last_heartbeat = 5 WHERE host_uid = 't1'`, 0],
      [`UPDATE courses SET state = 3 WHERE state = 2`, 3],
      [`UPDATE courses SET host_uid = 't2' WHERE title = 'c1'`, 1],
      [`UPDATE courses SET title = 'renamed' WHERE title = 'c4'`, 1],
      // Setting a shown column to its own value still counts (both engines fire on the column being assigned).
      [`UPDATE courses SET title = title WHERE title = 'c5'`, 1],
      [`UPDATE courses SET appid = ${A + 1} WHERE title = 'c6'`, 1],
      [
        `INSERT INTO members (roomnum, uid, role, joined_at, last_heartbeat)
        SELECT roomnum, 's1', 0, 1, 1 FROM courses WHERE title IN ('c0', 'c3', 'c7')`,
        3,
      ],
      [`UPDATE members SET last_heartbeat = 9`, 0],
      // What a coalesced presence flush does: an UPSERT of heartbeats only.
      [
        `INSERT INTO members (roomnum, uid, role, joined_at, last_heartbeat)
        SELECT roomnum, 's1', 0, 1, 11 FROM courses WHERE title IN ('c0', 'c3')
        ON CONFLICT (roomnum, uid) DO UPDATE SET last_heartbeat = excluded.last_heartbeat`,
        0,
      ],
      [`UPDATE members SET exited_at = 10 WHERE roomnum IN (SELECT roomnum FROM courses WHERE title = 'c3')`, 1],
      // The course and, by cascade, its two members.
      [`DELETE FROM courses WHERE title = 'c0'`, 2],
      // Six courses (c2, c6, c10 moved to 3, c3, c7, c11) and the members of c3 and c7.
      [`DELETE FROM courses WHERE state = 3`, 8],
    ];

    it('step by step, both engines agree and the counts stay exact', async () => {
      const lite = openDb(path.join(tempDir(), 'edu.db')).$client;
      const counts = 'SELECT appid, host_uid, state, n FROM course_counts ORDER BY appid, host_uid, state';
      const real = `SELECT appid, host_uid, state, count(*) AS n FROM courses GROUP BY appid, host_uid, state
        ORDER BY appid, host_uid, state`;
      const version = `SELECT version AS v FROM data_versions WHERE name = 'course_list'`;
      const liteVersion = () => (lite.prepare(version).get() as { v: number }).v;
      const pgVersion = async () => ((await pgDb.$client.query(version)).rows[0] as { v: number }).v;
      try {
        for (const [statement, bump] of steps) {
          const [lv, pv] = [liteVersion(), await pgVersion()];
          lite.exec(statement);
          await pgDb.$client.query(statement);
          const pgCounts = (await pgDb.$client.query(counts)).rows;
          expect({ statement, counts: pgCounts }).toEqual({ statement, counts: lite.prepare(counts).all() });
          expect({ statement, counts: pgCounts }).toEqual({ statement, counts: (await pgDb.$client.query(real)).rows });
          expect({ statement, lite: liteVersion() - lv, pg: (await pgVersion()) - pv }).toEqual({
            statement,
            lite: bump,
            pg: bump,
          });
        }
        // Rows that dropped to zero are gone, as in SQLite: state 2 and 3 courses were all deleted.
        expect((await pgDb.$client.query('SELECT count(*) AS n FROM course_counts WHERE state >= 2')).rows).toEqual([
          { n: 0 },
        ]);
      } finally {
        lite.close();
      }
    });

    it('the version moves when the transaction commits, by its number of changes, and not at all on rollback', async () => {
      const client = await pgDb.$client.connect();
      const v = async () =>
        (
          (await pgDb.$client.query(`SELECT version FROM data_versions WHERE name = 'course_list'`)).rows[0] as {
            version: number;
          }
        ).version;
      const n = async (c: pg.ClientBase) =>
        (
          (await c.query(`SELECT coalesce(sum(n), 0) AS n FROM course_counts WHERE host_uid = 't1' AND state = 0`))
            .rows[0] as { n: number }
        ).n;
      try {
        const before = await v();
        const countBefore = await n(client);
        await client.query('BEGIN');
        await client.query(course('t1', 'tx1', 0));
        await client.query(course('t1', 'tx2', 0));
        // Counts are exact inside the transaction (the writer reads its own), the version waits for the commit.
        expect(await n(client)).toBe(countBefore + 2);
        expect(await v()).toBe(before);
        await client.query('COMMIT');
        expect(await v()).toBe(before + 2);

        await client.query('BEGIN');
        await client.query(course('t1', 'rolled back', 0));
        await client.query('ROLLBACK');
        expect(await v()).toBe(before + 2);
      } finally {
        client.release();
      }
    });
  });
});
