/**
 * data-versions.ts's coalesced reader (PostgreSQL's): the reads of one tick share one query, and a change committed
 * before a read was made — here through another handle, as by another instance — is always in its answer.
 */
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { courses, users } from '../../db/schema';
import { openSecondHandle } from '../../db/testing/test-db';
import { createTestCtx } from '../testing/test-ctx';
import { coalescedReader } from './data-versions';

describe('coalesced data-version reads', () => {
  it('one query per tick, exact after another handle commits', async () => {
    const ctx = createTestCtx();
    const reader = coalescedReader(ctx.db);
    const first = await Promise.all(Array.from({ length: 50 }, () => reader.read('course_list')));
    expect(new Set(first).size).toBe(1);
    expect(reader.queries).toBe(1);

    const other = openSecondHandle({ url: ctx.dbUrl });
    await inTransaction(other, async (tx) => {
      await tx.insert(users).values({ uid: 't1', pwdHash: 'x', role: 1, createdAt: 1 });
      await tx
        .insert(courses)
        .values({ appid: ctx.env.SDKAPPID, hostUid: 't1', title: 'c', createdAt: 1, listTime: 1 });
    });
    // Asked after the commit: never the old value, though nothing told this reader.
    const [list, order] = await Promise.all([reader.read('course_list'), reader.read('course_order')]);
    expect(list).toBe(first[0]! + 1);
    expect(order).toBeGreaterThan(0);
    expect(reader.queries).toBe(2);
  });

  it('a read made while a query is in flight waits for a query of its own', async () => {
    const ctx = createTestCtx();
    const reader = coalescedReader(ctx.db);
    const a = reader.read('course_list');
    await new Promise((r) => setImmediate(r));
    // a's query has been sent; b must not join it.
    const b = reader.read('course_list');
    await Promise.all([a, b]);
    expect(reader.queries).toBe(2);
  });
});
