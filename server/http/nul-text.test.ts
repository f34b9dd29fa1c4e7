/** The NUL rule both doors share: where findNul finds one, and the console door refusing it before any service. */
import { describe, expect, it } from 'vitest';
import { courses } from '../../db/schema';
import { createTestCtx } from '../testing/test-ctx';
import { errOf, signedIn } from '../trpc/testing';
import { findNul } from './nul-text';

describe('findNul', () => {
  it('names the first field holding a NUL, nested or in a key, and null when there is none', () => {
    expect(findNul({ a: 'x', b: ['y', { c: 'z\u0000' }] })).toBe('b.1.c');
    expect(findNul({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(findNul('\u0000')).toBe('');
    expect(findNul({ a: 'x', n: 1, t: true, z: null, e: [] })).toBeNull();
    expect(findNul(undefined)).toBeNull();
  });
});

describe('the console door refuses NUL text before any service', () => {
  it('course.create and course.list: BAD_REQUEST naming the field, nothing written, no internal error', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach');
    const create = await errOf(t.api.course.create({ title: 'a\u0000b' }));
    expect(create.code).toBe('BAD_REQUEST');
    expect(create.message).toContain('title');
    expect(await ctx.db.select().from(courses)).toEqual([]);
    const list = await errOf(t.api.course.list({ q: '\u0000' }));
    expect(list.code).toBe('BAD_REQUEST');
    expect(list.message).toContain('q');
    // Without the NUL both work.
    expect((await t.api.course.create({ title: 'ab' })).roomnum).toBeGreaterThan(10000);
  });
});
