import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { courses, users } from '../../db/schema';
import { createTestCtx } from '../testing/test-ctx';
import { listCourses } from './course-list';

/** The roomlist total comes from trigger-maintained counts: it must equal a real count after every kind of write. */
describe('course_counts triggers', () => {
  it('stay equal to count(*) through inserts, state/host changes and deletes, for every filter', async () => {
    const ctx = createTestCtx();
    for (const uid of ['t1', 't2']) ctx.db.insert(users).values({ uid, pwdHash: 'x', role: 1, createdAt: 1 }).run();
    const appid = ctx.env.SDKAPPID;
    for (let i = 0; i < 30; i++) {
      ctx.db
        .insert(courses)
        .values({ appid, hostUid: i % 3 ? 't1' : 't2', title: `c${i}`, state: i % 4, createdAt: i, listTime: i })
        .run();
    }
    ctx.db
      .insert(courses)
      .values({ appid: appid + 1, hostUid: 't1', title: 'other app', createdAt: 1, listTime: 1 })
      .run();
    ctx.db.update(courses).set({ state: 3 }).where(eq(courses.state, 2)).run();
    ctx.db.update(courses).set({ hostUid: 't2' }).where(eq(courses.title, 'c1')).run();
    ctx.db.update(courses).set({ title: 'renamed' }).where(eq(courses.title, 'c4')).run();
    ctx.db.delete(courses).where(eq(courses.title, 'c5')).run();

    const real = (where: string, ...args: (string | number)[]) =>
      (
        ctx.db.$client.prepare(`SELECT COUNT(*) AS n FROM courses WHERE appid = ? ${where}`).get(appid, ...args) as {
          n: number;
        }
      ).n;
    expect((await listCourses(ctx, { index: 0, size: 0 })).total).toBe(real(''));
    for (const state of [0, 1, 2, 3]) {
      expect((await listCourses(ctx, { index: 0, size: 0, state })).total).toBe(real('AND state = ?', state));
      for (const hostUid of ['t1', 't2']) {
        expect((await listCourses(ctx, { index: 0, size: 0, state, hostUid })).total).toBe(
          real('AND state = ? AND host_uid = ?', state, hostUid),
        );
      }
    }
    expect(real('AND state = 2')).toBe(0);
    // No zero rows linger.
    expect(ctx.db.$client.prepare('SELECT COUNT(*) AS n FROM course_counts WHERE n <= 0').get()).toEqual({ n: 0 });
  });

  it('pages newest first with member counts per page', async () => {
    const ctx = createTestCtx();
    ctx.db.insert(users).values({ uid: 't1', pwdHash: 'x', role: 1, createdAt: 1 }).run();
    for (let i = 0; i < 25; i++)
      ctx.db
        .insert(courses)
        .values({ appid: ctx.env.SDKAPPID, hostUid: 't1', title: `c${i}`, createdAt: i, listTime: i % 5 })
        .run();
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
    const { openDb } = await import('../../db/client');
    const b = { ...a, db: openDb(`${a.dir}/edu.db`) }; // a second "process" on the same file
    a.db.insert(users).values({ uid: 't1', pwdHash: 'x', role: 1, createdAt: 1 }).run();
    a.db
      .insert(courses)
      .values({ appid: a.env.SDKAPPID, hostUid: 't1', title: 'first', createdAt: 1, listTime: 1 })
      .run();
    const first = await listCourses(a, { index: 0, size: 10 });
    expect(await listCourses(a, { index: 0, size: 10 })).toBe(first); // the same frozen object: a hit
    expect(Object.isFrozen(first.rooms[0])).toBe(true);

    b.db
      .insert(courses)
      .values({ appid: a.env.SDKAPPID, hostUid: 't1', title: 'second', createdAt: 2, listTime: 2 })
      .run();
    const afterInsert = await listCourses(a, { index: 0, size: 10 });
    expect(afterInsert.total).toBe(2);
    expect(afterInsert.rooms.map((r) => r.title)).toEqual(['second', 'first']);

    const roomnum = afterInsert.rooms[0]!.roomnum;
    b.db.$client
      .prepare('INSERT INTO members (roomnum, uid, role, joined_at, last_heartbeat) VALUES (?, ?, 0, 5, 5)')
      .run(roomnum, 's1');
    expect((await listCourses(a, { index: 0, size: 10 })).rooms[0]!.memsize).toBe(1);

    // A heartbeat is not something roomlist shows: it must not invalidate the cache.
    const cached = await listCourses(a, { index: 0, size: 10 });
    b.db.$client.prepare('UPDATE members SET last_heartbeat = 99 WHERE uid = ?').run('s1');
    b.db.$client.prepare('UPDATE courses SET last_heartbeat = 99 WHERE roomnum = ?').run(roomnum);
    expect(await listCourses(a, { index: 0, size: 10 })).toBe(cached);

    b.db.$client.prepare('UPDATE members SET exited_at = 100 WHERE uid = ?').run('s1');
    expect((await listCourses(a, { index: 0, size: 10 })).rooms[0]!.memsize).toBe(0);
    b.db.$client.prepare("UPDATE courses SET title = 'renamed', state = 1 WHERE roomnum = ?").run(roomnum);
    expect((await listCourses(a, { index: 0, size: 10 })).rooms[0]).toMatchObject({ title: 'renamed', state: 1 });
    b.db.$client.prepare('DELETE FROM courses WHERE roomnum = ?').run(roomnum);
    expect((await listCourses(a, { index: 0, size: 10 })).total).toBe(1);
  });
});
