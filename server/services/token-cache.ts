/**
 * The hot-read cache of token rows (hot-read-cache.ts; HOT_READ_CACHE_S) and how it is kept honest: a revocation
 * through this process drops the row at once; one committed by any instance is announced on a PostgreSQL channel
 * (NOTIFY on commit) that every instance listens to, and a listener that lost its connection drops everything. The
 * TTL thus bounds only what a lost notification can delay. Callers: auth-tokens.ts (reads, its own revocations),
 * password-change.ts (revoking every session of an account), createServiceCtx (the listener).
 */
import type { Tx } from '../../db/client';
import { notifyOnCommit } from '../../db/dialect';
import { listenPg, type PgListener } from '../../db/pg-listen';
import type { ServiceCtx } from '../context';
import { pgOptions } from '../env';
import { hotReadCacheS, perCtxCache } from './hot-read-cache';

/** The channel on which instances tell each other that an account's tokens were revoked (payload: the uid). */
export const TOKENS_REVOKED_CHANNEL = 'edu_tokens_revoked';

/**
 * Inside the revoking transaction: every instance drops its cached token rows of `uid` when it commits
 * (db/pg-listen.ts; listenForTokenRevocations below), so a revocation does not wait for HOT_READ_CACHE_S anywhere.
 */
export function announceTokensRevoked(tx: Tx, uid: string): Promise<void> {
  return notifyOnCommit(tx, TOKENS_REVOKED_CHANNEL, uid);
}

export type TokenRow = {
  id: number;
  uid: string;
  appid: number;
  lastUsedAt: number;
  revokedAt: number | null;
  role: number;
};
/** Token rows this process read recently (hot-read-cache.ts): revocations through this process drop them at once. */
export const tokenRows = perCtxCache<TokenRow>('token-rows');

/**
 * On PostgreSQL with the hot-read cache on: listens for revocations committed by any instance and drops the cached
 * rows of that account; after a lost connection (notifications missed) drops them all. Null when there is nothing
 * to listen for. Callers: createServiceCtx.
 */
export function listenForTokenRevocations(ctx: ServiceCtx): PgListener | null {
  if (ctx.env.database.kind !== 'pg' || hotReadCacheS(ctx.env) === 0) return null;
  const cache = tokenRows(ctx);
  return listenPg(pgOptions(ctx.env), TOKENS_REVOKED_CHANNEL, {
    message: (uid) => cache.deleteWhere((t) => t.uid === uid),
    reset: () => cache.deleteWhere(() => true),
    error: (e) => ctx.log.warn({ err: e }, 'token revocation listener: connection lost, reconnecting'),
  });
}

/** Forgets every cached token of an account (its password changed: the other sessions were revoked). */
export function forgetCachedTokens(ctx: ServiceCtx, uid: string): void {
  tokenRows(ctx).deleteWhere((t) => t.uid === uid);
}
