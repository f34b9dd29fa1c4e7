import { describe, expect, it } from 'vitest';
import { loginFailures } from '../../db/schema';
import { isAppError } from '../errors';
import { createTestCtx } from '../testing/test-ctx';
import { assertLoginAllowed, clearLoginFailures, LOGIN_MAX_FAILURES, LOGIN_WINDOW_S, recordLoginFailure } from './login-rate-limit';

async function waitOf(p: Promise<void>): Promise<number | null> {
  try {
    await p;
    return null;
  } catch (e) {
    if (isAppError(e) && e.code === 'RATE_LIMITED') return e.data?.retryAfterS as number;
    throw e;
  }
}

describe('login rate limit', () => {
  it('allows 9 failures, blocks at 10 until the oldest leaves the 10-minute window', async () => {
    const ctx = createTestCtx();
    const s = { uid: 'u1', ip: '1.2.3.4' };
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) {
      await recordLoginFailure(ctx, s);
      ctx.clock.advance(1);
    }
    expect(await waitOf(assertLoginAllowed(ctx, s))).toBeNull();
    await recordLoginFailure(ctx, s); // 10th, at T0 + 9
    expect(await waitOf(assertLoginAllowed(ctx, s))).toBe(LOGIN_WINDOW_S - 9);
    ctx.clock.advance(LOGIN_WINDOW_S - 10); // now T0 + 599: the first failure (T0) still counts
    expect(await waitOf(assertLoginAllowed(ctx, s))).toBe(1);
    ctx.clock.advance(1); // T0 + 600: it has left the window
    expect(await waitOf(assertLoginAllowed(ctx, s))).toBeNull();
  });

  it('counts per id and per IP separately, prunes old rows, and a success clears only the id', async () => {
    const ctx = createTestCtx();
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) await recordLoginFailure(ctx, { uid: 'u1', ip: '9.9.9.9' });
    expect(await waitOf(assertLoginAllowed(ctx, { uid: 'u1', ip: '8.8.8.8' }))).toBeGreaterThan(0); // the id
    expect(await waitOf(assertLoginAllowed(ctx, { uid: 'u2', ip: '9.9.9.9' }))).toBeGreaterThan(0); // the IP
    expect(await waitOf(assertLoginAllowed(ctx, { uid: 'u2', ip: '8.8.8.8' }))).toBeNull();
    await clearLoginFailures(ctx, 'u1');
    expect(await waitOf(assertLoginAllowed(ctx, { uid: 'u1', ip: '8.8.8.8' }))).toBeNull();
    expect(await waitOf(assertLoginAllowed(ctx, { uid: 'u1', ip: '9.9.9.9' }))).toBeGreaterThan(0);
    ctx.clock.advance(LOGIN_WINDOW_S + 1);
    await recordLoginFailure(ctx, { uid: 'u3', ip: '9.9.9.9' });
    // The IP's expired rows were dropped when a new one was recorded: one row for it remains.
    const rows = await ctx.db.select().from(loginFailures);
    expect(rows.filter((r) => r.subject === 'ip:9.9.9.9')).toHaveLength(1);
  });
});
