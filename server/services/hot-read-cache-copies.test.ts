/**
 * Two copies of the services in one process (as Next's bundle layers load them) share one hot-read cache per ctx:
 * an eviction made through one copy — the revocation listener is started by whichever copy built the runtime — is
 * seen by every other copy at once. Before, each copy kept its own module-level cache, and a console session revoked
 * on another instance stayed valid in the copies nobody told, for HOT_READ_CACHE_S.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { inTransaction } from '../../db/client';
import { authTokens } from '../../db/schema';
import { closeServiceCtx } from '../context';
import { createTestCtx } from '../testing/test-ctx';
import type * as AccountsModule from './accounts';
import type * as AuthTokensModule from './auth-tokens';
import type * as TokenCacheModule from './token-cache';

type Services = typeof AccountsModule & typeof AuthTokensModule & typeof TokenCacheModule;

/** Fresh module instances of the account services (and everything they import), as a second bundle copy would be. */
async function loadCopy(): Promise<Services> {
  vi.resetModules();
  const [accounts, authTokens, tokenCache] = await Promise.all([
    import('./accounts'),
    import('./auth-tokens'),
    import('./token-cache'),
  ]);
  return { ...accounts, ...authTokens, ...tokenCache };
}

describe('hot-read cache across module copies', () => {
  const ctx = createTestCtx({ HOT_READ_CACHE_S: '60' });
  afterAll(() => closeServiceCtx(ctx));

  it('an eviction through one copy is seen by the other (the token is refused at once)', async () => {
    const a = await loadCopy();
    const b = await loadCopy();
    expect(a.resolveToken).not.toBe(b.resolveToken);
    await a.createAccount(ctx, { id: 'teach', pwd: 'cGFzc3dvcmQx', role: 1 });
    const token = await a.issueToken(ctx, 'teach', 'console', ctx.env.SDKAPPID);
    const resolveB = () => b.resolveToken(ctx, token, 'console', ctx.env.SDKAPPID);
    await expect(resolveB()).resolves.toMatchObject({ uid: 'teach' });
    // Another instance revokes it (the database changes behind this process's back): copy B still has it cached…
    await inTransaction(ctx.db, (tx) => tx.update(authTokens).set({ revokedAt: ctx.clock.nowS() }));
    await expect(resolveB()).resolves.toMatchObject({ uid: 'teach' });
    // …until the NOTIFY arrives, handled by copy A's listener (the same eviction as forgetCachedTokens).
    a.forgetCachedTokens(ctx, 'teach');
    await expect(resolveB()).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});
