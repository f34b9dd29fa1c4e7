import { eq, sql, type SQL } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { rawRows } from '../../db/dialect';
import { courses, members, users } from '../../db/schema';
import { openSecondHandle } from '../../db/testing/test-db';
import { createTestCtx } from '../testing/test-ctx';
import { listCourses } from './course-list';

/** The roomlist total comes from trigger-maintained counts: it must equal a real count after every kind of write. */
describe('course_counts triggers', () => {
  it('stay equal to count(*) through inserts, state/host changes and deletes, for every filter', async () => {
    const ctx = createTestCtx();
    const appid = ctx.env.SDKAPPID;
    await inTransaction(ctx.db, async (tx) => {
      for (const uid of ['t1', 't2']) await tx.insert(users).values({ uid, pwdHash: 'x', role: 1, createdAt: 1 });
      for (let i = 0; i < 30; i++) {
        await tx
          .insert(courses)
          .values({ appid, hostUid: i % 3 ? 't1' : 't2', title: `c${i}`, state: i % 4, createdAt: i, listTime: i });
      }
      await tx
        .insert(courses)
        .values({ appid: appid + 1, hostUid: 't1', title: 'other app', createdAt: 1, listTime: 1 });
    });
    await inTransaction(ctx.db, async (tx) => {
      await tx.update(courses).set({ state: 3 }).where(eq(courses.state, 2));
      await tx.update(courses).set({ hostUid: 't2' }).where(eq(courses.title, 'c1'));
      await tx.update(courses).set({ title: 'renamed' }).where(eq(courses.title, 'c4'));
      await tx.delete(courses).where(eq(courses.title, 'c5'));
    });

    const real = async (where: SQL = sql``) =>
      Number(
        (
          await rawRows<{ n: number }>(ctx.db, sql`SELECT COUNT(*) AS n FROM courses WHERE appid = ${appid} ${where}`)
        )[0]!.n,
      );
    expect((await listCourses(ctx, { index: 0, size: 0 })).total).toBe(await real());
    for (const state of [0, 1, 2, 3]) {
      expect((await listCourses(ctx, { index: 0, size: 0, state })).total).toBe(await real(sql`AND state = ${state}`));
      for (const hostUid of ['t1', 't2']) {
        expect((await listCourses(ctx, { index: 0, size: 0, state, hostUid })).total).toBe(
          await real(sql`AND state = ${state} AND host_uid = ${hostUid}`),
        );
      }
    }
    expect(await real(sql`AND state = 2`)).toBe(0);
    // No zero rows linger.
    const zero = await rawRows<{ n: number }>(ctx.db, sql`SELECT COUNT(*) AS n FROM course_counts WHERE n <= 0`);
    expect(Number(zero[0]!.n)).toBe(0);
  });

  it('pages newest first with member counts per page', async () => {
    const ctx = createTestCtx();
    await inTransaction(ctx.db, async (tx) => {
      await tx.insert(users).values({ uid: 't1', pwdHash: 'x', role: 1, createdAt: 1 });
      for (let i = 0; i < 25; i++)
        await tx
          .insert(courses)
          .values({ appid: ctx.env.SDKAPPID, hostUid: 't1', title: `c${i}`, createdAt: i, listTime: i % 5 });
    });
    const all = await listCourses(ctx, { index: 0, size: 50 });
    const paged = [
      ...(await listCourses(ctx, { index: 0, size: 10 })).rooms,
      ...(await listCourses(ctx, { index: 10, size: 10 })).rooms,
      ...(await listCourses(ctx, { index: 20, size: 10 })).rooms,
    ];
    expect(paged.map((r) => r.roomnum)).toEqual(all.rooms.map((r) => r.roomnum));
    const keys = all.rooms.map((r) => [r.listTime, r.roomnum] as const);
    const sorted = [...keys].sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    expect(keys).toEqual(sorted);
  });
});

describe('roomlist page cache', () => {
  it('serves repeated reads from cache yet shows every change at once, also one made through another connection', async () => {
    const a = createTestCtx();
    const b = openSecondHandle({ url: a.dbUrl }); // a second "process" on the same database
    await inTransaction(a.db, async (tx) => {
      await tx.insert(users).values({ uid: 't1', pwdHash: 'x', role: 1, createdAt: 1 });
      await tx
        .insert(courses)
        .values({ appid: a.env.SDKAPPID, hostUid: 't1', title: 'first', createdAt: 1, listTime: 1 });
    });
    const first = await listCourses(a, { index: 0, size: 10 });
    expect(await listCourses(a, { index: 0, size: 10 })).toBe(first); // the same frozen object: a hit
    expect(Object.isFrozen(first.rooms[0])).toBe(true);

    await inTransaction(b, (tx) =>
      tx.insert(courses).values({ appid: a.env.SDKAPPID, hostUid: 't1', title: 'second', createdAt: 2, listTime: 2 }),
    );
    const afterInsert = await listCourses(a, { index: 0, size: 10 });
    expect(afterInsert.total).toBe(2);
    expect(afterInsert.rooms.map((r) => r.title)).toEqual(['second', 'first']);

    const roomnum = afterInsert.rooms[0]!.roomnum;
    await inTransaction(b, (tx) =>
      tx.insert(members).values({ roomnum, uid: 's1', role: 0, joinedAt: 5, lastHeartbeat: 5 }),
    );
    expect((await listCourses(a, { index: 0, size: 10 })).rooms[0]!.memsize).toBe(1);

    // A heartbeat is not something roomlist shows: it must not invalidate the cache.
    const cached = await listCourses(a, { index: 0, size: 10 });
    await inTransaction(b, async (tx) => {
      await tx.update(members).set({ lastHeartbeat: 99 }).where(eq(members.uid, 's1'));
      await tx.update(courses).set({ lastHeartbeat: 99 }).where(eq(courses.roomnum, roomnum));
    });
    expect(await listCourses(a, { index: 0, size: 10 })).toBe(cached);

    await inTransaction(b, (tx) => tx.update(members).set({ exitedAt: 100 }).where(eq(members.uid, 's1')));
    expect((await listCourses(a, { index: 0, size: 10 })).rooms[0]!.memsize).toBe(0);
    await inTransaction(b, (tx) =>
      tx.update(courses).set({ title: 'renamed', state: 1 }).where(eq(courses.roomnum, roomnum)),
    );
    expect((await listCourses(a, { index: 0, size: 10 })).rooms[0]).toMatchObject({ title: 'renamed', state: 1 });
    await inTransaction(b, (tx) => tx.delete(courses).where(eq(courses.roomnum, roomnum)));
    expect((await listCourses(a, { index: 0, size: 10 })).total).toBe(1);
  });
});
