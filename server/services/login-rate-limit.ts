/**
 * Rate limits for the credential endpoints of both doors (legacy `account/login` / `account/regist`, console
 * `auth.login` / `auth.register`), on one set of counters in the `login_failures` table, so the limits hold across
 * doors, processes and restarts.
 *
 * Logins: at most LOGIN_MAX_ATTEMPTS counted attempts per account id and per client IP within LOGIN_WINDOW_S.
 * An attempt is counted BEFORE the password is checked: `guardLogin` reserves it (count + insert in one transaction:
 * on SQLite an IMMEDIATE one, writers one at a time; on PostgreSQL a SERIALIZABLE one, where two reservations that
 * read each other's counters conflict and one is retried), so N parallel guesses cannot all read "under the limit"
 * and then all check a password.
 * What happens to the reserved attempt:
 *  - wrong password / unknown id: it stays (failures keep counting);
 *  - success: every row of the id is forgiven (the owner got in), and this attempt's IP row is removed too, so a
 *    school behind one NAT address is limited by its failures only, never by its teachers' successful logins;
 *  - no verdict (BUSY, internal error): both rows are removed, nothing was tried.
 * Registrations: at most REGISTER_LIMIT_PER_IP (env, default REGISTER_MAX_PER_IP) per client IP within REGISTER_WINDOW_S, every attempt counted
 * (also "id taken", which would otherwise enumerate ids), released only when there was no verdict.
 * Over a limit: RATE_LIMITED with `data.retryAfterS` (legacy 10110, console 429). An unknown client address (null:
 * plain `next start` without TRUSTED_PROXY) has no per-IP counter: one shared bucket would let anyone lock everyone out.
 */
import { and, desc, eq, gt, inArray, lte } from 'drizzle-orm';
import { inTransaction } from '../../db/client';
import { loginFailures } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError, isAppError } from '../errors';

export const LOGIN_WINDOW_S = 600;
export const LOGIN_MAX_ATTEMPTS = 10;
const REGISTER_WINDOW_S = 600;
/** The default of REGISTER_LIMIT_PER_IP (server/env.ts); tests count against it. */
export const REGISTER_MAX_PER_IP = 20;

export interface LoginSubject {
  uid: string;
  /** null when the client address cannot be known (http/client-address.ts): only the per-id limit applies. */
  ip: string | null;
}

const uidSubject = (uid: string) => `uid:${uid}`;
const ipSubject = (ip: string) => `ip:${ip}`;
const registerSubject = (ip: string) => `register-ip:${ip}`;

/** The rows one reserved attempt inserted (one per subject). */
interface Reservation {
  ids: number[];
}

/**
 * Counts `subjects`' rows in the window and, when every subject is under `max`, inserts one row for each; all in one
 * transaction. Throws RATE_LIMITED with the wait until the limiting subject's oldest counted row ages out.
 */
async function reserve(
  ctx: ServiceCtx,
  subjects: string[],
  max: number,
  windowS: number,
  what: string,
): Promise<Reservation> {
  const now = ctx.clock.nowS();
  const since = now - windowS; // rows at `since` or before have left the window
  return inTransaction(ctx.db, async (tx) => {
    await tx.delete(loginFailures).where(and(inArray(loginFailures.subject, subjects), lte(loginFailures.at, since)));
    let wait = 0;
    for (const subject of subjects) {
      const recent = await tx
        .select({ at: loginFailures.at })
        .from(loginFailures)
        .where(and(eq(loginFailures.subject, subject), gt(loginFailures.at, since)))
        .orderBy(desc(loginFailures.at))
        .limit(max);
      // The max-th most recent row: once it leaves the window, one attempt fits again.
      if (recent.length >= max) wait = Math.max(wait, recent[max - 1]!.at + windowS - now);
    }
    if (wait > 0) throw new AppError('RATE_LIMITED', `too many ${what}, retry in ${wait} s`, { retryAfterS: wait });
    const rows = await tx
      .insert(loginFailures)
      .values(subjects.map((subject) => ({ subject, at: now })))
      .returning({ id: loginFailures.id });
    return { ids: rows.map((r) => r.id) };
  });
}

async function release(ctx: ServiceCtx, r: Reservation): Promise<void> {
  await inTransaction(ctx.db, (tx) => tx.delete(loginFailures).where(inArray(loginFailures.id, r.ids)));
}

/** Errors that are a verdict on the credentials: the attempt was made and keeps counting. */
function isVerdict(e: unknown, codes: readonly string[]): boolean {
  return isAppError(e) && codes.includes(e.code);
}

/**
 * Runs `check` (the password check) as one counted login attempt of `s`. Throws RATE_LIMITED before calling `check`
 * when the id or the IP has used up its attempts; otherwise whatever `check` throws.
 */
export async function guardLogin<T>(ctx: ServiceCtx, s: LoginSubject, check: () => Promise<T>): Promise<T> {
  const subjects = s.ip === null ? [uidSubject(s.uid)] : [uidSubject(s.uid), ipSubject(s.ip)];
  const r = await reserve(ctx, subjects, LOGIN_MAX_ATTEMPTS, LOGIN_WINDOW_S, 'login attempts');
  let result: T;
  try {
    result = await check();
  } catch (e) {
    if (!isVerdict(e, ['WRONG_PASSWORD', 'USER_NOT_FOUND'])) await release(ctx, r);
    throw e;
  }
  await inTransaction(ctx.db, async (tx) => {
    await tx.delete(loginFailures).where(eq(loginFailures.subject, uidSubject(s.uid)));
    await tx.delete(loginFailures).where(inArray(loginFailures.id, r.ids));
  });
  return result;
}

/** Runs `register` as one counted registration from `ip`. Throws RATE_LIMITED before calling it when over the limit. */
export async function guardRegistration<T>(ctx: ServiceCtx, ip: string | null, register: () => Promise<T>): Promise<T> {
  if (ip === null) return register();
  const r = await reserve(
    ctx,
    [registerSubject(ip)],
    ctx.env.REGISTER_LIMIT_PER_IP,
    REGISTER_WINDOW_S,
    'registrations',
  );
  try {
    return await register();
  } catch (e) {
    if (!isVerdict(e, ['USER_EXISTS'])) await release(ctx, r);
    throw e;
  }
}
