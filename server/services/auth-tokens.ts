/**
 * Credentials: legacy tokens and console sessions, one table (auth_tokens) told apart by `kind`. A secret is shown
 * once and stored as its hash (tokens.ts); resolving one is the hot path of every token command (the heartbeat
 * included): one prepared read, served from the hot-read cache when it is on (token-cache.ts), and a write only once
 * per refresh granularity. Callers: accounts.ts (a login issues one), legacy `account/logout` and every token command
 * (legacy/handle.ts), the console's sessions (console/sessions.ts).
 */
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { inTransaction } from '../../db/client';
import { rawWrite } from '../../db/dialect';
import { authTokens, users } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { preparedFor } from './prepared';
import type { Caller } from './schemas';
import { announceTokensRevoked, tokenRows } from './token-cache';
import { hashSecret, newSecret } from './tokens';

export type TokenKind = 'legacy' | 'console';

/**
 * How stale `last_used_at` may get before a request rewrites it. Refreshing on every request would turn every
 * heartbeat into an extra write. Requests in between are remembered in memory (see recentUse), so within a process
 * the idle check stays exact; another process sharing the database may see a token expire up to this much early.
 */
export function refreshGranularityS(idleS: number): number {
  return Math.min(60, Math.floor(idleS / 10));
}

/** Stores a new credential of `kind` for `uid` and returns the secret (shown once, never stored). */
export async function issueToken(ctx: ServiceCtx, uid: string, kind: TokenKind, appid: number): Promise<string> {
  const secret = newSecret();
  const now = ctx.clock.nowS();
  await inTransaction(ctx.db, (tx) =>
    tx.insert(authTokens).values({ tokenHash: hashSecret(secret), kind, uid, appid, createdAt: now, lastUsedAt: now }),
  );
  return secret;
}

/** Revokes one credential. Throws ALREADY_LOGGED_OUT when unknown or already revoked. Callers: `account/logout`, console logout. */
export async function revokeToken(ctx: ServiceCtx, secret: string, kind: TokenKind): Promise<void> {
  const r = await inTransaction(ctx.db, async (tx) => {
    const revoked = await tx
      .update(authTokens)
      .set({ revokedAt: ctx.clock.nowS() })
      .where(and(eq(authTokens.tokenHash, hashSecret(secret)), eq(authTokens.kind, kind), isNull(authTokens.revokedAt)))
      .returning({ uid: authTokens.uid });
    for (const { uid } of revoked) await announceTokensRevoked(tx, uid);
    return revoked;
  });
  if (r.length === 0) throw new AppError('ALREADY_LOGGED_OUT');
  tokenRows(ctx).delete(`${kind}:${hashSecret(secret)}`);
}

/**
 * Resolves a credential to its caller and refreshes its idle timer (coarsely, see refreshGranularityS).
 * Throws TOKEN_INVALID (unknown, revoked, idle-expired) or TOKEN_APPID_MISMATCH.
 * Callers: legacy auth (every token command, including the hot heartbeat path: prepared statements only),
 * tRPC context (console sessions). One prepared read; a write (one short transaction) only once per refresh
 * granularity per token.
 */
export async function resolveToken(ctx: ServiceCtx, secret: string, kind: TokenKind, appid: number): Promise<Caller> {
  const q = statements(ctx);
  const hash = hashSecret(secret);
  const cache = tokenRows(ctx);
  const key = `${kind}:${hash}`;
  let row = cache.get(key);
  if (!row) {
    [row] = await q.byHash.execute({ hash, kind });
    if (row) cache.set(key, row);
  }
  const now = ctx.clock.nowS();
  const idle = ctx.env.TOKEN_IDLE_EXPIRE_S;
  if (!row || row.revokedAt !== null) throw new AppError('TOKEN_INVALID');
  const recent = recentUse(ctx);
  if (now - Math.max(row.lastUsedAt, recent.get(row.id) ?? 0) > idle) throw new AppError('TOKEN_INVALID');
  if (row.appid !== appid) throw new AppError('TOKEN_APPID_MISMATCH');
  if (now - row.lastUsedAt >= refreshGranularityS(idle)) {
    recent.delete(row.id);
    const id = row.id;
    await inTransaction(ctx.db, (tx) => tx.update(authTokens).set({ lastUsedAt: now }).where(eq(authTokens.id, id)));
    cache.set(key, { ...row, lastUsedAt: now });
  } else {
    recent.set(row.id, Math.max(now, recent.get(row.id) ?? 0));
    if (recent.size > RECENT_USE_MAX) await flushRecentUse(ctx, recent);
  }
  return { uid: row.uid, role: row.role, appid: row.appid };
}

/**
 * Per database handle: token id → time of its latest request not yet written to `last_used_at` (an entry goes once
 * the row is rewritten). Makes "idle = no request for TOKEN_IDLE_EXPIRE_S" exact without a write per request.
 */
const recentUse = preparedFor(() => new Map<number, number>());
/** Bound on remembered tokens (tokens used once and never again would otherwise stay): beyond it, all are written. */
const RECENT_USE_MAX = 10_000;

async function flushRecentUse(ctx: ServiceCtx, recent: Map<number, number>): Promise<void> {
  const uses = [...recent];
  await inTransaction(ctx.db, async (tx) => {
    for (let i = 0; i < uses.length; i += ROWS_PER_STATEMENT)
      await rawWrite(tx, touchAtLeast(uses.slice(i, i + ROWS_PER_STATEMENT)));
  });
  // Requests that came in meanwhile stay remembered.
  for (const [id, at] of uses) if (recent.get(id) === at) recent.delete(id);
}

/** 2 parameters a row: well under both engines' parameter limits. */
const ROWS_PER_STATEMENT = 2000;

/** One statement for many tokens (a VALUES list names its columns column1, column2 on both engines). */
function touchAtLeast(uses: [number, number][]): SQL {
  const values = sql.join(
    uses.map(([id, at]) => sql`(cast(${id} as bigint), cast(${at} as bigint))`),
    sql`, `,
  );
  return sql`update ${authTokens} set last_used_at = v.column2 from (values ${values}) as v
    where ${authTokens.id} = v.column1 and ${authTokens.lastUsedAt} < v.column2`;
}

const statements = preparedFor((db) => ({
  byHash: db
    .select({
      id: authTokens.id,
      uid: authTokens.uid,
      appid: authTokens.appid,
      lastUsedAt: authTokens.lastUsedAt,
      revokedAt: authTokens.revokedAt,
      role: users.role,
    })
    .from(authTokens)
    .innerJoin(users, eq(users.uid, authTokens.uid))
    .where(and(eq(authTokens.tokenHash, sql.placeholder('hash')), eq(authTokens.kind, sql.placeholder('kind'))))
    .prepare(),
}));
