/**
 * Console sessions: teacher registration, login (rate limited), session resolution and logout. A session is an
 * `auth_tokens` row of kind 'console', separate from legacy tokens, so a console login never signs a phone out.
 * The password is the same string the mobile clients send (base64 of the UTF-8 password), so one password works
 * everywhere. Callers: tRPC auth router and context (trpc/init.ts, app/_trpc/server.ts), the CSV routes (console-http).
 */
import type { ServiceCtx } from '../context';
import { AppError, isAppError } from '../errors';
import { checkLogin, registerUser } from '../services/accounts';
import { issueToken, resolveToken, revokeToken } from '../services/auth-tokens';
import { ROLE } from '../services/course-state';
import { type Caller } from '../services/schemas';

interface ConsoleLogin {
  secret: string;
  caller: Caller;
}

/**
 * Checks the password and opens a console session. Unknown id and wrong password both become WRONG_PASSWORD (the
 * console does not reveal which ids exist); both count against the id and the IP, on the counters the legacy
 * door shares (accounts.checkLogin).
 * Throws RATE_LIMITED, BUSY, WRONG_PASSWORD.
 */
export async function loginConsole(
  ctx: ServiceCtx,
  input: { id: string; pwd: string; ip: string | null },
): Promise<ConsoleLogin> {
  let user: { uid: string; role: number };
  try {
    user = await checkLogin(ctx, input);
  } catch (e) {
    if (isAppError(e) && (e.code === 'USER_NOT_FOUND' || e.code === 'WRONG_PASSWORD'))
      throw new AppError('WRONG_PASSWORD', 'wrong id or password');
    throw e;
  }
  const appid = ctx.env.SDKAPPID;
  const secret = await issueToken(ctx, user.uid, 'console', appid);
  return { secret, caller: { uid: user.uid, role: user.role, appid } };
}

/**
 * Registers a teacher account (usable by the mobile clients too) and opens a session. The router's input schema
 * (schemas.newConsolePasswordInput) holds the console's password rule. Throws RATE_LIMITED, BUSY, USER_EXISTS.
 */
export async function registerTeacher(
  ctx: ServiceCtx,
  input: { id: string; pwd: string; ip: string | null },
): Promise<ConsoleLogin> {
  await registerUser(ctx, { id: input.id, pwd: input.pwd, role: ROLE.TEACHER, ip: input.ip });
  const appid = ctx.env.SDKAPPID;
  const secret = await issueToken(ctx, input.id, 'console', appid);
  return { secret, caller: { uid: input.id, role: ROLE.TEACHER, appid } };
}

/** The caller of a console session secret, or null when it is unknown, revoked or idle-expired. */
export async function resolveConsoleSession(
  ctx: ServiceCtx,
  secret: string | undefined | null,
): Promise<Caller | null> {
  if (!secret) return null;
  try {
    return await resolveToken(ctx, secret, 'console', ctx.env.SDKAPPID);
  } catch (e) {
    if (isAppError(e) && (e.code === 'TOKEN_INVALID' || e.code === 'TOKEN_APPID_MISMATCH')) return null;
    throw e;
  }
}

/** Ends a console session; logging out twice is not an error for a browser. */
export async function logoutConsole(ctx: ServiceCtx, secret: string): Promise<void> {
  try {
    await revokeToken(ctx, secret, 'console');
  } catch (e) {
    if (!(isAppError(e) && e.code === 'ALREADY_LOGGED_OUT')) throw e;
  }
}
