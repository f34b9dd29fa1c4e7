/**
 * Text with NUL characters: refused with 10003 naming the field on both engines (PostgreSQL cannot store NUL in
 * text; SQLite would, so without the rule the two engines would answer differently), and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courses } from '../../db/schema';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { createTestCtx } from '../testing/test-ctx';
import { signUp } from '../testing/legacy-fixtures';

describe('NUL characters in legacy text fields', () => {
  const ctx = createTestCtx();
  let s: LegacyTestServer;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
  });
  afterAll(() => s.close());

  it('live/create with a NUL in the title: 10003 naming title, no course', async () => {
    const token = await signUp(s, 'teach', 1);
    const r = await s.call('live/create', { token, title: 'a\u0000b' });
    expect(r.errorCode).toBe(10003);
    expect(r.errorInfo).toContain('title');
    expect(await ctx.db.select().from(courses)).toEqual([]);
    // The same request without the NUL works (the check is not a blanket refusal of the command).
    expect((await s.call('live/create', { token, title: 'ab' })).errorCode).toBe(0);
  });

  it('a NUL in a field the command does not read is refused too, before any work', async () => {
    const token = await signUp(s, 'teach2', 1);
    expect((await s.call('live/create', { token, title: 'ok', note: '\u0000' })).errorCode).toBe(10003);
  });
});
