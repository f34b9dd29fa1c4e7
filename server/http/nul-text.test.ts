/** The NUL rule both doors share: where findNul finds one, and the console door refusing it before any service. */
import { describe, expect, it } from 'vitest';
import { courses } from '../../db/schema';
import { createTestCtx } from '../testing/test-ctx';
import { errOf, signedIn } from '../trpc/testing';
import { nestsDeeperThan } from './json-depth';
import { findNul } from './nul-text';

describe('findNul', () => {
  it('names the first field holding a NUL, nested or in a key, and null when there is none', () => {
    expect(findNul({ a: 'x', b: ['y', { c: 'z\u0000' }] })).toBe('b.1.c');
    expect(findNul({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(findNul('\u0000')).toBe('');
    expect(findNul({ a: 'x', n: 1, t: true, z: null, e: [] })).toBeNull();
    expect(findNul(undefined)).toBeNull();
  });

  it('walks in document order (a subtree before the next key) and does not recurse (100 000 levels deep)', () => {
    expect(findNul({ a: { b: 'x\u0000' }, ['c\u0000']: 1 })).toBe('a.b');
    expect(findNul([['\u0000'], '\u0000'])).toBe('0.0');
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`) as unknown;
    expect(findNul(deep)).toBe(Array(100_000).fill('0').join('.'));
  });
});

describe('nestsDeeperThan', () => {
  it('counts the value itself as level 1, objects and arrays alike; iterative at 100 000 levels', () => {
    const nest = (n: number) => JSON.parse(`${'[{"k":'.repeat(n)}1${'}]'.repeat(n)}`) as unknown;
    expect(nestsDeeperThan(nest(32))).toBe(false); // 64 levels
    expect(nestsDeeperThan({ a: nest(32) })).toBe(true); // 65
    expect(nestsDeeperThan('text')).toBe(false);
    expect(nestsDeeperThan(null)).toBe(false);
    expect(nestsDeeperThan([[[]]], 2)).toBe(true);
    expect(nestsDeeperThan(nest(50_000))).toBe(true);
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
