/**
 * Bench data, written straight into the (not yet served) database — SQLite or PostgreSQL — with the project's own schema and token
 * functions: one bench teacher and N students, each with its own legacy token (what `account/login` stores: the
 * SHA-256 of a fresh 256-bit secret), and a catalogue of courses by other teachers for roomlist. Password hashing is
 * done once and shared: logins are not what the bench measures, and N scrypts would dominate its runtime.
 *
 * The catalogue (up to millions of rows) is one set-based INSERT … SELECT over a generated series, so the rows are
 * made inside the engine (no per-row round trip or statement build): SQLite fires its triggers per row in C (course
 * counts, list versions) and stays well under a minute for 1 000 000 rows; PostgreSQL seeds with the courses' user
 * triggers off (its deferred version bump would queue a million trigger events) and then writes what they would
 * have — the course counts and one bump of each version — in the same transaction.
 */
import { sql } from 'drizzle-orm';
import { authTokens, users } from '../../db/schema';
import { engineOf, inTransaction, type Db, type Tx } from '../../db/client';
import { rawWrite } from '../../db/dialect';
import { hashPassword } from '../services/passwords';
import { hashSecret, newSecret } from '../services/tokens';

export interface Account {
  uid: string;
  token: string;
}

export interface Seeded {
  teacher: Account;
  students: Account[];
  catalogue: number;
  /** The catalogue's teachers (`bench_host_00`…): courses i go to hosts[i % hosts.length]. */
  hosts: string[];
}

/** How many teachers the catalogue's courses are spread over (round robin). */
export const CATALOGUE_HOSTS = 20;
/** The catalogue spans this many days before `nowS`, evenly. */
const CATALOGUE_DAYS = 100;

/** Fills an empty, migrated database (either engine) in one transaction; the caller opens and closes it. */
export async function seedDatabase(
  db: Db,
  opts: { appid: number; students: number; courses: number; nowS: number },
): Promise<Seeded> {
  const pwdHash = await hashPassword('YmVuY2g=');
  const now = opts.nowS;
  const teacher: Account = { uid: 'bench_teacher', token: newSecret() };
  const students: Account[] = Array.from({ length: opts.students }, (_, i) => ({
    uid: `bench_stu_${String(i).padStart(4, '0')}`,
    token: newSecret(),
  }));
  const hosts = Array.from({ length: CATALOGUE_HOSTS }, (_, i) => `bench_host_${String(i).padStart(2, '0')}`);
  const CHUNK = 500;
  await inTransaction(db, async (tx) => {
    const people = [
      { uid: teacher.uid, pwdHash, role: 1, createdAt: now },
      ...students.map((s) => ({ uid: s.uid, pwdHash, role: 0, createdAt: now })),
      ...hosts.map((uid) => ({ uid, pwdHash, role: 1, createdAt: now })),
    ];
    for (let i = 0; i < people.length; i += CHUNK) await tx.insert(users).values(people.slice(i, i + CHUNK));
    const tokens = [teacher, ...students].map((a) => ({
      tokenHash: hashSecret(a.token),
      kind: 'legacy' as const,
      uid: a.uid,
      appid: opts.appid,
      createdAt: now,
      lastUsedAt: now,
    }));
    for (let i = 0; i < tokens.length; i += CHUNK) await tx.insert(authTokens).values(tokens.slice(i, i + CHUNK));
    if (opts.courses > 0) await seedCatalogue(tx, { appid: opts.appid, courses: opts.courses, nowS: now });
  });
  return { teacher, students, catalogue: opts.courses, hosts };
}

/**
 * A past catalogue of `courses` rows by the CATALOGUE_HOSTS bench hosts (who must exist): mostly ended courses (7 in
 * 10), some not yet started (2 in 10), some with playback (1 in 10), created evenly over CATALOGUE_DAYS before `nowS`,
 * so several share a list time at a million rows (ties are what the room number orders). Row i is the same on both
 * engines: what course i looks like is written once, as the SELECT below.
 */
export async function seedCatalogue(tx: Tx, opts: { appid: number; courses: number; nowS: number }): Promise<void> {
  const span = CATALOGUE_DAYS * 86400;
  const n = opts.courses;
  const created = sql.raw(`(${opts.nowS - span} + (i * ${span}) / ${n})`);
  const state = sql.raw(`(case when i % 10 < 7 then 2 when i % 10 < 9 then 0 else 3 end)`);
  const begun = sql.raw(`(i % 10 < 7 or i % 10 = 9)`);
  const row = sql`
    select ${opts.appid},
      'bench_host_' || (case when i % ${sql.raw(String(CATALOGUE_HOSTS))} < 10 then '0' else '' end)
        || (i % ${sql.raw(String(CATALOGUE_HOSTS))}),
      'Course ' || i || ' — 课程',
      case when i % 3 = 0 then 'https://example.com/cover/' || i || '.jpg' else '' end,
      ${state},
      ${created},
      case when ${begun} then ${created} + 600 else ${created} end,
      case when ${begun} then ${created} + 600 else 0 end,
      case when ${begun} then 1 else 0 end,
      case when ${begun} then ${created} + 3300 else 0 end,
      case when ${begun} then 2 + i % 7 else 0 end,
      case when i % 10 = 9 then 'https://example.com/playback/' || i || '.json' else '' end`;
  const columns = sql.raw(
    'appid, host_uid, title, cover, state, created_at, list_time, begin_time, begin_imseq, end_time, end_imseq, playback_idx_url',
  );
  if (engineOf(tx) === 'sqlite') {
    await rawWrite(
      tx,
      sql`insert into courses (${columns}) with recursive s(i) as (select 0 union all select i + 1 from s where i + 1 < ${sql.raw(String(n))}) ${row} from s`,
    );
    return;
  }
  // PostgreSQL: the triggers' work done once for the whole set (see the header); the table is not served yet.
  await rawWrite(tx, sql`alter table courses disable trigger user`);
  await rawWrite(
    tx,
    sql`insert into courses (${columns}) ${row} from generate_series(0::int8, ${sql.raw(String(n - 1))}) as s(i)`,
  );
  await rawWrite(tx, sql`alter table courses enable trigger user`);
  await rawWrite(
    tx,
    sql`insert into course_counts (appid, host_uid, state, n)
      select appid, host_uid, state, count(*) from courses group by appid, host_uid, state
      on conflict (appid, host_uid, state) do update set n = excluded.n`,
  );
  await rawWrite(tx, sql`update data_versions set version = version + 1`);
  // Statistics for the planner now, not when autovacuum gets round to it: a fresh million rows look empty to it.
  await rawWrite(tx, sql`analyze courses`);
}
