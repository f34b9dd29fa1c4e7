/**
 * Password change (console, signed in) and reset without e-mail: `npm run reset-password <id>` prints a one-time code
 * (issueResetCode), the login page's "forgot password" form trades id + code + new password for a new hash
 * (resetWithCode). New passwords are validated by schemas.newConsolePasswordInput (the one rule for the console). Wrong current passwords and wrong codes count as failed logins (login-rate-limit).
 *
 * Revocation (decided here, documented in README "Console"): a change revokes every other credential of the user —
 * legacy tokens and other console sessions — and keeps only the session that made the change; a reset revokes all
 * of them (whoever forgot the password may not be the only one holding a session).
 * Callers: tRPC auth router, server/scripts/reset-password.ts.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { first, inTransaction, type Tx } from '../../db/client';
import { authTokens, passwordResetCodes, users } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { checkLogin } from './accounts';
import { announceTokensRevoked, forgetCachedTokens } from './token-cache';
import { forgetKnownAddressesTx, guardLogin } from './login-rate-limit';
import { hashPassword } from './passwords';
import { hashSecret } from './tokens';
import { RESET_CODE_INPUT_MAX } from './input-rules';

/** How long a printed reset code works. */
export const RESET_CODE_TTL_S = 30 * 60;

/** Typed by hand: 16 characters of an unambiguous alphabet (no 0/O, 1/I/L) ≈ 79 bits, shown as four groups. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_CHARS = 16;

function newResetCode(): string {
  let out = '';
  // Rejection sampling keeps every character uniform (256 is not a multiple of the alphabet's size).
  const limit = 256 - (256 % CODE_ALPHABET.length);
  while (out.length < CODE_CHARS) {
    for (const b of randomBytes(32))
      if (b < limit && out.length < CODE_CHARS) out += CODE_ALPHABET[b % CODE_ALPHABET.length];
  }
  return out.match(/.{4}/g)!.join('-');
}

/** Case, spaces and dashes do not matter when a code is typed back. */
function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export const resetCodeInput = z.string().min(1, 'must not be empty').max(RESET_CODE_INPUT_MAX, 'too long');

async function setPasswordRevoking(
  tx: Tx,
  uid: string,
  pwdHash: string,
  now: number,
  keepTokenHash: string | null,
): Promise<void> {
  await tx.update(users).set({ pwdHash }).where(eq(users.uid, uid));
  await forgetKnownAddressesTx(tx, uid);
  const live = and(eq(authTokens.uid, uid), isNull(authTokens.revokedAt));
  await tx
    .update(authTokens)
    .set({ revokedAt: now })
    .where(keepTokenHash === null ? live : and(live, ne(authTokens.tokenHash, keepTokenHash)));
  await announceTokensRevoked(tx, uid);
}

/**
 * Changes the caller's password after checking the current one, and signs out everything but `keepSessionSecret`.
 * Throws WRONG_PASSWORD (counted as a failed login), BAD_INPUT (the same password again), RATE_LIMITED.
 */
export async function changePassword(
  ctx: ServiceCtx,
  input: { uid: string; current: string; next: string; ip: string | null; keepSessionSecret: string },
): Promise<void> {
  // The current password is checked as one counted login attempt (the same limiter as both login doors).
  await checkLogin(ctx, { id: input.uid, pwd: input.current, ip: input.ip });
  // After the check, so a wrong current password is reported as such. Both are the client's canonical base64 of
  // UTF-8 (schemas.ts), so equal text is the same password: "changing" it would sign everyone else out for nothing.
  if (input.next === input.current) throw new AppError('BAD_INPUT', 'next: must differ from the current password');
  const pwdHash = await hashPassword(input.next);
  const now = ctx.clock.nowS();
  await inTransaction(ctx.db, (tx) =>
    setPasswordRevoking(tx, input.uid, pwdHash, now, hashSecret(input.keepSessionSecret)),
  );
  forgetCachedTokens(ctx, input.uid);
}

/**
 * Issues a reset code for `uid` (earlier unused codes of that user stop working) and returns it: it is shown once and
 * only its hash is stored. Throws USER_NOT_FOUND. Caller: the reset-password script (whoever runs it has the server).
 */
export async function issueResetCode(ctx: ServiceCtx, uid: string): Promise<{ code: string; expiresAt: number }> {
  const code = newResetCode();
  const now = ctx.clock.nowS();
  const expiresAt = now + RESET_CODE_TTL_S;
  await inTransaction(ctx.db, async (tx) => {
    const user = first(await tx.select({ uid: users.uid }).from(users).where(eq(users.uid, uid)).limit(1));
    if (!user) throw new AppError('USER_NOT_FOUND');
    await tx
      .update(passwordResetCodes)
      .set({ usedAt: now })
      .where(and(eq(passwordResetCodes.uid, uid), isNull(passwordResetCodes.usedAt)));
    await tx
      .insert(passwordResetCodes)
      .values({ uid, codeHash: hashSecret(normalizeCode(code)), createdAt: now, expiresAt });
  });
  return { code, expiresAt };
}

/**
 * Sets a new password with a reset code: the code must belong to `id`, be unused and unexpired; it is then spent and
 * every credential of the user is revoked. An unknown id, a wrong, spent or expired code all answer WRONG_PASSWORD
 * ("wrong id or code") and count as a failed login for the id and the IP. Throws WRONG_PASSWORD, RATE_LIMITED.
 */
export async function resetWithCode(
  ctx: ServiceCtx,
  input: { id: string; code: string; pwd: string; ip: string | null },
): Promise<void> {
  // One counted login attempt (login-rate-limit.ts): a wrong code keeps counting, a success forgives the id.
  await guardLogin(ctx, { uid: input.id, ip: input.ip }, async () => {
    // Hashed before the transaction (scrypt is slow: the transaction would hold the writer meanwhile).
    const pwdHash = await hashPassword(input.pwd);
    const now = ctx.clock.nowS();
    const codeHash = hashSecret(normalizeCode(input.code));
    const ok = await inTransaction(ctx.db, async (tx) => {
      const [spent] = await tx
        .update(passwordResetCodes)
        .set({ usedAt: now })
        .where(
          and(
            eq(passwordResetCodes.codeHash, codeHash),
            eq(passwordResetCodes.uid, input.id),
            isNull(passwordResetCodes.usedAt),
          ),
        )
        .returning({ expiresAt: passwordResetCodes.expiresAt });
      if (!spent || spent.expiresAt <= now) return false;
      await setPasswordRevoking(tx, input.id, pwdHash, now, null);
      return true;
    });
    if (!ok) throw new AppError('WRONG_PASSWORD', 'wrong id or reset code (codes work once, for 30 minutes)');
    forgetCachedTokens(ctx, input.id);
  });
}
