import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { courses, users } from '../../db/schema';
import { createTestCtx } from '../testing/test-ctx';
import { listCourses } from './courses';

/** The roomlist total comes from trigger-maintained counts: it must equal a real count after every kind of write. */
describe('course_counts triggers', () => {
  it('stay equal to count(*) through inserts, state/host changes and deletes, for every filter', async () => {
    const ctx = createTestCtx();
    for (const uid of ['t1', 't2']) ctx.db.insert(users).values({ uid, pwdHash: 'x', role: 1, createdAt: 1 }).run();
    const appid = ctx.env.SDKAPPID;
    for (let i = 0; i < 30; i++) {
      ctx.db.insert(courses).values({ appid, hostUid: i % 3 ? 't1' : 't2', title: `c${i}`, state: i % 4, createdAt: i, listTime: i }).run();
    }
    ctx.db.insert(courses).values({ appid: appid + 1, hostUid: 't1', title: 'other app', createdAt: 1, listTime: 1 }).run();
    ctx.db.update(courses).set({ state: 3 }).where(eq(courses.state, 2)).run();
    ctx.db.update(courses).set({ hostUid: 't2' }).where(eq(courses.title, 'c1')).run();
    ctx.db.update(courses).set({ title: 'renamed' }).where(eq(courses.title, 'c4')).run();
    ctx.db.delete(courses).where(eq(courses.title, 'c5')).run();

    const real = (where: string, ...args: (string | number)[]) =>
      (ctx.db.$client.prepare(`SELECT COUNT(*) AS n FROM courses WHERE appid = ? ${where}`).get(appid, ...args) as { n: number }).n;
    expect((await listCourses(ctx, { index: 0, size: 0 })).total).toBe(real(''));
    for (const state of [0, 1, 2, 3]) {
      expect((await listCourses(ctx, { index: 0, size: 0, state })).total).toBe(real('AND state = ?', state));
      for (const hostUid of ['t1', 't2']) {
        expect((await listCourses(ctx, { index: 0, size: 0, state, hostUid })).total).toBe(real('AND state = ? AND host_uid = ?', state, hostUid));
      }
    }
    expect(real('AND state = 2')).toBe(0);
    // No zero rows linger.
    expect(ctx.db.$client.prepare('SELECT COUNT(*) AS n FROM course_counts WHERE n <= 0').get()).toEqual({ n: 0 });
  });

  it('pages newest first with member counts per page', async () => {
    const ctx = createTestCtx();
    ctx.db.insert(users).values({ uid: 't1', pwdHash: 'x', role: 1, createdAt: 1 }).run();
    for (let i = 0; i < 25; i++) ctx.db.insert(courses).values({ appid: ctx.env.SDKAPPID, hostUid: 't1', title: `c${i}`, createdAt: i, listTime: i % 5 }).run();
    const all = await listCourses(ctx, { index: 0, size: 50 });
    const paged = [...(await listCourses(ctx, { index: 0, size: 10 })).rooms, ...(await listCourses(ctx, { index: 10, size: 10 })).rooms, ...(await listCourses(ctx, { index: 20, size: 10 })).rooms];
    expect(paged.map((r) => r.roomnum)).toEqual(all.rooms.map((r) => r.roomnum));
    const keys = all.rooms.map((r) => [r.listTime, r.roomnum] as const);
    const sorted = [...keys].sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    expect(keys).toEqual(sorted);
  });
});
