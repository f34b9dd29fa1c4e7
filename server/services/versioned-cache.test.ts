/**
 * versioned-cache.ts with interleaved calls (its reads are async on both engines): a value computed before a change
 * is never kept once another call has seen the newer version, and a change made meanwhile invalidates at once.
 */
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { courses, users } from '../../db/schema';
import { createTestCtx } from '../testing/test-ctx';
import { versionedCache } from './versioned-cache';

type Ctx = ReturnType<typeof createTestCtx>;

/** A change roomlist shows: bumps the 'course_list' version (a trigger on SQLite, a deferred one on PostgreSQL). */
async function addCourse(ctx: Ctx, title: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    await tx.insert(users).values({ uid: 't1', pwdHash: 'x', role: 1, createdAt: 1 }).onConflictDoNothing();
    await tx.insert(courses).values({ appid: ctx.env.SDKAPPID, hostUid: 't1', title, createdAt: 1, listTime: 1 });
  });
}

describe('versionedCache', () => {
  it('hits until the version moves, then recomputes', async () => {
    const ctx = createTestCtx();
    const cache = versionedCache<{ n: number }>(ctx.db, 'course_list');
    let computed = 0;
    const get = () => cache.get('k', async () => ({ n: ++computed }));
    const first = await get();
    expect(await get()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    await addCourse(ctx, 'a');
    expect(await get()).toEqual({ n: 2 });
  });

  it('does not keep a value computed before a change that another call has already seen', async () => {
    const ctx = createTestCtx();
    const cache = versionedCache<string>(ctx.db, 'course_list');
    let started!: () => void;
    const inCompute = new Promise<void>((r) => (started = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Call A reads the version, computes from the data as it is now, and is slow to finish.
    const a = cache.get('k', async () => {
      started();
      await gate;
      return 'before the change';
    });
    await inCompute;
    await addCourse(ctx, 'a');
    // Call B sees the new version meanwhile.
    expect(await cache.get('other', async () => 'after')).toBe('after');
    release();
    expect(await a).toBe('before the change');
    // A's value belongs to the old version: it must not be served now.
    expect(await cache.get('k', async () => 'recomputed')).toBe('recomputed');
  });
});
