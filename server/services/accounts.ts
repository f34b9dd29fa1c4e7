/**
 * Accounts and credentials: registration, login (legacy tokens and console sessions), logout, token resolution.
 * Callers: legacy `account/*` commands and every token command (resolveToken); tRPC auth router and context.
 */
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { inTransaction, type Tx } from '../../db/client';
import { notifyOnCommit, rawWrite } from '../../db/dialect';
import { listenPg, type PgListener } from '../../db/pg-listen';
import { authTokens, users } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { pgOptions } from '../env';
import { AppError } from '../errors';
import { guardLogin, guardRegistration } from './login-rate-limit';
import { preparedFor } from './prepared';
import { hotReadCacheS, perCtxCache } from './hot-read-cache';
import { dummyPasswordHash, hashGate, hashPassword, verifyPassword } from './passwords';
import type { Caller } from './schemas';
import { hashSecret, newSecret } from './tokens';

type TokenKind = 'legacy' | 'console';

/**
 * How stale `last_used_at` may get before a request rewrites it. Refreshing on every request would turn every
 * heartbeat into an extra write. Requests in between are remembered in memory (see recentUse), so within a process
 * the idle check stays exact; another process sharing the database may see a token expire up to this much early.
 */
export function refreshGranularityS(idleS: number): number {
  return Math.min(60, Math.floor(idleS / 10));
}

/**
 * Registers an account from a client at `ip` (counts against the registration limit, login-rate-limit.ts).
 * Throws RATE_LIMITED, BUSY, USER_EXISTS. Callers: `account/regist`, console registration.
 */
export async function registerUser(
  ctx: ServiceCtx,
  input: { id: string; pwd: string; role: number; ip: string | null },
): Promise<void> {
  hashGate.assertRoom();
  await guardRegistration(ctx, input.ip, () => createAccount(ctx, input));
}

/** Creates an account without any rate limit. Throws BUSY, USER_EXISTS. Callers: registerUser, demo data, tests. */
export async function createAccount(ctx: ServiceCtx, input: { id: string; pwd: string; role: number }): Promise<void> {
  const pwdHash = await hashPassword(input.pwd);
  const r = await inTransaction(ctx.db, (tx) =>
    tx
      .insert(users)
      .values({ uid: input.id, pwdHash, role: input.role, createdAt: ctx.clock.nowS() })
      .onConflictDoNothing()
      .returning({ uid: users.uid }),
  );
  if (r.length === 0) throw new AppError('USER_EXISTS');
}

/**
 * Checks a password as one counted login attempt of (id, ip), shared by both doors (login-rate-limit.ts guardLogin);
 * returns the user. Throws RATE_LIMITED (before any hashing), BUSY, USER_NOT_FOUND, WRONG_PASSWORD.
 */
export async function checkLogin(
  ctx: ServiceCtx,
  input: { id: string; pwd: string; ip: string | null },
): Promise<{ uid: string; role: number }> {
  // A flood past the hash queue is refused before it costs a write to the counters.
  hashGate.assertRoom();
  return guardLogin(ctx, { uid: input.id, ip: input.ip }, () => checkPassword(ctx, input.id, input.pwd));
}

/**
 * Checks a password; returns the user. Throws USER_NOT_FOUND / WRONG_PASSWORD. An unknown id still costs one scrypt
 * so timing does not tell which ids exist (the legacy protocol tells anyway through 10005, but the console does not).
 * Not rate limited: logins go through checkLogin.
 */
async function checkPassword(ctx: ServiceCtx, id: string, pwd: string): Promise<{ uid: string; role: number }> {
  const user = await ctx.db.query.users.findFirst({ where: eq(users.uid, id) });
  if (!user) {
    await verifyPassword(pwd, await dummyPasswordHash());
    throw new AppError('USER_NOT_FOUND');
  }
  if (!(await verifyPassword(pwd, user.pwdHash))) throw new AppError('WRONG_PASSWORD');
  return { uid: user.uid, role: user.role };
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

/**
 * Legacy login: verifies (rate limited with the console's counters, see checkLogin), issues a new token (earlier
 * ones stay valid: several devices) and a UserSig.
 * Throws RATE_LIMITED, BUSY, USER_NOT_FOUND, WRONG_PASSWORD. Caller: `account/login`.
 */
export async function loginLegacy(
  ctx: ServiceCtx,
  input: { id: string; pwd: string; appid: number; ip: string | null },
): Promise<{ userSig: string; token: string; role: number }> {
  const user = await checkLogin(ctx, input);
  const token = await issueToken(ctx, user.uid, 'legacy', input.appid);
  return { userSig: ctx.usersig.sign(user.uid), token, role: user.role };
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

/** The channel on which instances tell each other that an account's tokens were revoked (payload: the uid). */
export const TOKENS_REVOKED_CHANNEL = 'edu_tokens_revoked';

/**
 * Inside the revoking transaction: every instance drops its cached token rows of `uid` when it commits
 * (db/pg-listen.ts; tokenRevocationListener below), so a revocation does not wait for HOT_READ_CACHE_S anywhere.
 */
export function announceTokensRevoked(tx: Tx, uid: string): Promise<void> {
  return notifyOnCommit(tx, TOKENS_REVOKED_CHANNEL, uid);
}

type TokenRow = { id: number; uid: string; appid: number; lastUsedAt: number; revokedAt: number | null; role: number };
/** Token rows this process read recently (hot-read-cache.ts): revocations through this process drop them at once. */
const tokenRows = perCtxCache<TokenRow>('token-rows');

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

/** Whether an account exists (roomlist's host_uid filter answers 10005 for unknown ids). */
export async function userExists(ctx: ServiceCtx, uid: string): Promise<boolean> {
  return (await ctx.db.query.users.findFirst({ columns: { uid: true }, where: eq(users.uid, uid) })) !== undefined;
}
