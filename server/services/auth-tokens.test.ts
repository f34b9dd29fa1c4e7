/**
 * Token resolution details that are awkward over HTTP: how coarsely the idle timer is refreshed (so heartbeats do not
 * each cost a write), that expiry is measured from the last refresh, and that a refused token is never refreshed.
 */
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { inTransaction } from '../../db/client';
import { rawRows } from '../../db/dialect';
import { authTokens } from '../../db/schema';
import { isAppError } from '../errors';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { seedAccounts } from '../testing/legacy-fixtures';
import { refreshGranularityS, resolveToken, revokeToken } from './auth-tokens';
import { hashSecret } from './tokens';

const codeOf = async (f: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await f();
    return undefined;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
};

describe('refreshGranularityS', () => {
  it('is a tenth of the idle limit, capped at 60 s', () => {
    expect(refreshGranularityS(7 * 86400)).toBe(60);
    expect(refreshGranularityS(600)).toBe(60);
    expect(refreshGranularityS(599)).toBe(59);
    expect(refreshGranularityS(100)).toBe(10);
    expect(refreshGranularityS(9)).toBe(0);
    expect(refreshGranularityS(0)).toBe(0);
  });
});

describe('resolveToken', () => {
  async function setup(idle: number) {
    const ctx = createTestCtx({ TOKEN_IDLE_EXPIRE_S: String(idle) });
    const tok = (await seedAccounts(ctx, ['u1'], 1)).get('u1')!;
    const lastUsed = async () =>
      (
        await ctx.db
          .select()
          .from(authTokens)
          .where(eq(authTokens.tokenHash, hashSecret(tok)))
      )[0]!.lastUsedAt;
    const resolve = () => resolveToken(ctx, tok, 'legacy', ctx.env.SDKAPPID);
    return { ctx, tok, lastUsed, resolve };
  }

  it('returns the caller and rewrites last_used_at only once it is at least the granularity old', async () => {
    const { ctx, lastUsed, resolve } = await setup(1000);
    expect(await resolve()).toEqual({ uid: 'u1', role: 1, appid: ctx.env.SDKAPPID });
    ctx.clock.set(T0 + 59);
    await resolve();
    expect(await lastUsed()).toBe(T0);
    ctx.clock.set(T0 + 60);
    await resolve();
    expect(await lastUsed()).toBe(T0 + 60);
    ctx.clock.set(T0 + 100);
    await resolve();
    expect(await lastUsed()).toBe(T0 + 60);
  });

  it('expires strictly after the idle limit since the last refresh; an expired token is not revived', async () => {
    const { ctx, lastUsed, resolve } = await setup(1000);
    ctx.clock.set(T0 + 1000);
    expect(await codeOf(resolve)).toBeUndefined();
    expect(await lastUsed()).toBe(T0 + 1000);
    ctx.clock.set(T0 + 2001);
    expect(await codeOf(resolve)).toBe('TOKEN_INVALID');
    expect(await lastUsed()).toBe(T0 + 1000);
    ctx.clock.set(T0 + 1500); // even if the clock stepped back, nothing was refreshed by the refused call
    expect(await codeOf(resolve)).toBeUndefined();
  });

  it('with a tiny idle limit every request refreshes (granularity 0)', async () => {
    const { ctx, lastUsed, resolve } = await setup(5);
    for (let i = 1; i <= 20; i++) {
      ctx.clock.set(T0 + i * 5);
      expect(await codeOf(resolve), `step ${i}`).toBeUndefined();
      expect(await lastUsed()).toBe(T0 + i * 5);
    }
    ctx.clock.set(T0 + 106);
    expect(await codeOf(resolve)).toBe('TOKEN_INVALID');
  });

  it('unknown, revoked, wrong kind and wrong appid are refused with their own codes', async () => {
    const { ctx, tok, resolve } = await setup(1000);
    expect(await codeOf(() => resolveToken(ctx, 'nope', 'legacy', ctx.env.SDKAPPID))).toBe('TOKEN_INVALID');
    expect(await codeOf(() => resolveToken(ctx, tok, 'console', ctx.env.SDKAPPID))).toBe('TOKEN_INVALID');
    expect(await codeOf(() => resolveToken(ctx, tok, 'legacy', ctx.env.SDKAPPID + 1))).toBe('TOKEN_APPID_MISMATCH');
    await revokeToken(ctx, tok, 'legacy');
    expect(await codeOf(resolve)).toBe('TOKEN_INVALID');
    await expect(revokeToken(ctx, tok, 'legacy')).rejects.toMatchObject({ code: 'ALREADY_LOGGED_OUT' });
  });

  it('requests between refreshes still count: idle is measured from the latest request, not the latest write', async () => {
    const { ctx, lastUsed, resolve } = await setup(1000);
    ctx.clock.set(T0 + 30);
    await resolve();
    expect(await lastUsed()).toBe(T0); // not written (under the granularity)…
    ctx.clock.set(T0 + 30 + 1000);
    expect(await codeOf(resolve)).toBeUndefined(); // …yet remembered: idle exactly 1000 s is still valid
    expect(await lastUsed()).toBe(T0 + 1030);
    ctx.clock.set(T0 + 1030 + 1001);
    expect(await codeOf(resolve)).toBe('TOKEN_INVALID');
  });

  it('remembers a bounded number of tokens: past the bound, pending request times are written and forgotten', async () => {
    const { ctx } = await setup(1000);
    // Stored the way issueToken stores them, in bulk (10 001 transactions would only slow the test down).
    const toks = Array.from({ length: 10_001 }, (_, i) => `secret-${i}`);
    await inTransaction(ctx.db, async (tx) => {
      for (let i = 0; i < toks.length; i += 1000)
        await tx.insert(authTokens).values(
          toks.slice(i, i + 1000).map((t) => ({
            tokenHash: hashSecret(t),
            kind: 'legacy' as const,
            uid: 'u1',
            appid: ctx.env.SDKAPPID,
            createdAt: T0,
            lastUsedAt: T0,
          })),
        );
    });
    ctx.clock.set(T0 + 1);
    for (const t of toks) await resolveToken(ctx, t, 'legacy', ctx.env.SDKAPPID);
    const stamps = (
      await rawRows<{ t: number; n: number }>(
        ctx.db,
        sql`SELECT last_used_at AS t, count(*) AS n FROM auth_tokens GROUP BY last_used_at ORDER BY last_used_at`,
      )
    ).map((r) => ({ t: Number(r.t), n: Number(r.n) }));
    // The seeded token was never used again; all 10 001 new ones were written when the bound was passed.
    expect(stamps).toEqual([
      { t: T0, n: 1 },
      { t: T0 + 1, n: 10_001 },
    ]);
  });
});
