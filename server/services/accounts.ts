/**
 * Accounts: registration and the password check of a login (rate limited: login-rate-limit.ts), for both doors. The
 * credentials a login then gets are auth-tokens.ts; their hot cache and its eviction across instances token-cache.ts.
 * Callers: legacy `account/*` commands, the console's sessions (console/sessions.ts), scripts and tests.
 */
import { eq } from 'drizzle-orm';
import { inTransaction } from '../../db/client';
import { users } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { issueToken } from './auth-tokens';
import { guardLogin, guardRegistration } from './login-rate-limit';
import { dummyPasswordHash, hashGate, hashPassword, verifyPassword } from './passwords';

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

/** Whether an account exists (roomlist's host_uid filter answers 10005 for unknown ids). */
export async function userExists(ctx: ServiceCtx, uid: string): Promise<boolean> {
  return (await ctx.db.query.users.findFirst({ columns: { uid: true }, where: eq(users.uid, uid) })) !== undefined;
}
