/**
 * The course list's deep pages (course-list-anchors.ts): byte for byte what a plain OFFSET query gives, for every
 * filter shape and time window, across anchor boundaries and ties of list time, after changes made through another
 * handle (another process) — and fast at depth, so an OFFSET scan coming back fails here.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inTransaction, type Db } from '../../db/client';
import { rawRows, rawWrite } from '../../db/dialect';
import { courses, users } from '../../db/schema';
import { CATALOGUE_HOSTS, seedCatalogue } from '../bench/seed';
import { openSecondHandle } from '../../db/testing/test-db';
import { testEngine } from '../../db/testing/test-engine';
import { createTestCtx } from '../testing/test-ctx';
import { ANCHOR_EVERY } from './course-list-anchors';
import { listCourses } from './course-list';

type Ctx = ReturnType<typeof createTestCtx>;
const hosts = Array.from({ length: CATALOGUE_HOSTS }, (_, i) => `bench_host_${String(i).padStart(2, '0')}`);
const NOW = 1_800_000_000;

async function seed(ctx: Ctx, n: number, ties = 0): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    await tx.insert(users).values(hosts.map((uid) => ({ uid, pwdHash: 'x', role: 1, createdAt: 1 })));
    await seedCatalogue(tx, { appid: ctx.env.SDKAPPID, courses: n, nowS: NOW });
    // A run of courses sharing one list time (more than an anchor interval): the room number orders them.
    if (ties > 0)
      await rawWrite(
        tx,
        sql`insert into courses (appid, host_uid, title, state, created_at, list_time)
          select appid, host_uid, 'tie ' || title, state, ${NOW - 50 * 86400}, ${NOW - 50 * 86400} from courses
          where roomnum < ${10001 + ties}`,
      );
  });
}

interface Filter {
  index: number;
  size: number;
  hostUid?: string;
  state?: number;
  fromTime?: number;
  toTime?: number;
}

/** The reference: one OFFSET query over the same filter, and a count. */
async function reference(ctx: Ctx, db: Db, f: Filter): Promise<{ total: number; roomnums: number[] }> {
  const where = sql.join(
    [
      sql`appid = ${ctx.env.SDKAPPID}`,
      ...(f.hostUid !== undefined ? [sql`host_uid = ${f.hostUid}`] : []),
      ...(f.state !== undefined ? [sql`state = ${f.state}`] : []),
      ...(f.fromTime !== undefined ? [sql`list_time >= ${f.fromTime}`] : []),
      ...(f.toTime !== undefined ? [sql`list_time <= ${f.toTime}`] : []),
    ],
    sql` and `,
  );
  const rows = await rawRows<{ roomnum: number }>(
    db,
    sql`select roomnum from courses where ${where} order by list_time desc, roomnum desc limit ${f.size} offset ${f.index}`,
  );
  const [n] = await rawRows<{ n: number }>(db, sql`select count(*) as n from courses where ${where}`);
  return { total: Number(n!.n), roomnums: rows.map((r) => Number(r.roomnum)) };
}

async function expectSame(ctx: Ctx, f: Filter): Promise<void> {
  const got = await listCourses(ctx, f);
  expect({ f, total: got.total, roomnums: got.rooms.map((r) => r.roomnum) }).toEqual({
    f,
    ...(await reference(ctx, ctx.db, f)),
  });
}

/** A deterministic spread of positions: anchor boundaries ±1, the ends, and some in between. */
function positions(total: number): number[] {
  const out = new Set<number>([0, 1, Math.max(0, total - 1), total, total + 5]);
  for (let a = ANCHOR_EVERY; a < total + ANCHOR_EVERY; a += ANCHOR_EVERY) for (const d of [-1, 0, 1]) out.add(a + d);
  for (let i = 0; i < 6; i++) out.add(Math.floor((total * (2 * i + 1)) / 13));
  return [...out].filter((p) => p >= 0);
}

describe('course list deep pages (anchors)', () => {
  it('equal an OFFSET query for every shape, time window and position, ties of list time included', async () => {
    const ctx = createTestCtx();
    await seed(ctx, 4200, 1500);
    const day = 86400;
    const filters: Omit<Filter, 'index' | 'size'>[] = [
      {},
      { state: 2 },
      { state: 0 },
      { hostUid: 'bench_host_03' },
      { hostUid: 'bench_host_03', state: 2 },
      { fromTime: NOW - 60 * day, toTime: NOW - 30 * day },
      // Bounds exactly on the tie run's list time, from either side.
      { fromTime: NOW - 50 * day },
      { toTime: NOW - 50 * day },
      { toTime: NOW - 50 * day - 1, state: 2 },
      { fromTime: NOW - 50 * day, toTime: NOW - 50 * day },
      { fromTime: NOW + 10, toTime: NOW + 20 },
      { fromTime: NOW - 99 * day, toTime: NOW - 97 * day, hostUid: 'bench_host_07' },
    ];
    for (const base of filters) {
      const { total } = await reference(ctx, ctx.db, { ...base, index: 0, size: 0 });
      for (const index of positions(total)) for (const size of [20, 1]) await expectSame(ctx, { ...base, index, size });
    }
    await expectSame(ctx, { index: 3, size: 0, state: 2 });
  });

  it('follow changes made through another handle (another process): inserts, starts, deletes', async () => {
    const ctx = createTestCtx();
    await seed(ctx, 3500);
    const deep = [
      { index: 2999, size: 20 },
      { index: 1500, size: 20, state: 2 },
      { index: 1000, size: 5 },
    ];
    for (const f of deep) await expectSame(ctx, f);
    const other = openSecondHandle({ url: ctx.dbUrl });
    // A new course goes to the top and shifts every position by one.
    await inTransaction(other, (tx) =>
      tx
        .insert(courses)
        .values({ appid: ctx.env.SDKAPPID, hostUid: 'bench_host_01', title: 'new', createdAt: NOW, listTime: NOW }),
    );
    for (const f of deep) await expectSame(ctx, f);
    // A draft deep in the list starts: it leaves state 0 and moves to the top.
    await inTransaction(other, (tx) =>
      tx
        .update(courses)
        .set({ state: 1, beginTime: NOW + 5, listTime: NOW + 5 })
        .where(eq(courses.roomnum, 10001 + 7)),
    );
    for (const f of [...deep, { index: 600, size: 20, state: 0 }, { index: 0, size: 3, state: 1 }])
      await expectSame(ctx, f);
    await inTransaction(other, (tx) => tx.delete(courses).where(eq(courses.roomnum, 10001 + 17)));
    for (const f of deep) await expectSame(ctx, f);
  });

  // SQLite only: there an OFFSET walk runs inside the event loop (what issue 15 is about). On PostgreSQL it runs in the
  // database process, and seeding 200 000 rows under the test pools' 5 s statement timeout is at the mercy of a
  // shared box; the two tests above check the anchored pages there too.
  it.skipIf(testEngine() === 'pg')(
    'a page 150 000 rows deep costs about what the first page costs (no OFFSET scan)',
    async () => {
      const ctx = createTestCtx();
      await seed(ctx, 200_000);
      const timed = async (f: Filter) => {
        const t = performance.now();
        const r = await listCourses(ctx, f);
        expect(r.rooms).toHaveLength(f.size);
        return performance.now() - t;
      };
      // Warm: the anchors of each shape are built once (in slices, off the event loop's critical path).
      const shapes: Omit<Filter, 'index' | 'size'>[] = [{}, { state: 2 }, { hostUid: 'bench_host_05' }];
      for (const s of shapes) await timed({ ...s, index: 1, size: 20 });
      const depthOf = (s: Omit<Filter, 'index' | 'size'>) =>
        s.hostUid ? 9000 : s.state !== undefined ? 130_000 : 190_000;
      for (const s of shapes) await timed({ ...s, index: depthOf(s), size: 20 });
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const s = shapes[i % shapes.length]!;
        // Distinct pages: the page cache must not answer them.
        times.push(await timed({ ...s, index: depthOf(s) - 37 * i, size: 20 }));
      }
      times.sort((a, b) => a - b);
      // An OFFSET walk of 130 000–190 000 index entries takes 15–60 ms here, inside the event loop; a seek plus < 1000
      // entries well under 1.
      expect(times[Math.floor(times.length / 2)]).toBeLessThan(8);
    },
    60_000,
  );
});
