/**
 * Rate limits for the credential endpoints of both doors (legacy `account/login` / `account/regist`, console
 * `auth.login` / `auth.register`, reset with a code), on one set of counters in the `login_failures` table, so the
 * limits hold across doors, processes and restarts. All windows are LOGIN_WINDOW_S (10 minutes).
 *
 * The login policy is built so that a school behind one NAT address is never refused on a normal morning while
 * guessing stays expensive:
 *  - per (id, address): at most LOGIN_LIMIT_PER_ID_ADDRESS (10) password checks. This is the atomic bound: the check
 *    is reserved BEFORE the password is hashed (count + insert in one transaction — on SQLite an IMMEDIATE one, on
 *    PostgreSQL a SERIALIZABLE one that is retried on conflict), so 60 parallel guesses reach the hash 10 times.
 *    A success forgives the pair.
 *  - per id, from addresses that never logged in to it: at most LOGIN_LIMIT_PER_ID (50) checks, reserved the same way
 *    (a guesser spread over many addresses). A success forgives the id.
 *  - per address: at most LOGIN_LIMIT_PER_IP (300) FAILED logins, whatever the id. Only failures count, recorded
 *    after the verdict, so a success never uses the budget, not even while it is in flight (parallel failures can pass
 *    the bound by at most the number of checks in flight). Successes do not forgive it.
 *  - an address from which the id has logged in before (login_known_addresses, for LOGIN_KNOWN_ADDRESS_TTL_S since the
 *    last success, forgotten on a password change) skips the per-id and per-address limits: others' failures never
 *    lock the owner out from their usual address. Only its own (id, address) budget applies — which others at the same
 *    address who guess this very id share (they cannot be told apart from the owner).
 * A check without a verdict (BUSY, internal error) is released: nothing was tried.
 * Registrations: at most REGISTER_LIMIT_PER_IP (1 000) per address, every attempt counted (also "id taken", which
 * would otherwise enumerate ids), released only when there was no verdict.
 * Over a limit: RATE_LIMITED with `data.retryAfterS` (legacy 10110, console 429). An unknown client address (null:
 * plain `next start` without TRUSTED_PROXY) has no per-address counter — one shared bucket would let anyone lock
 * everyone out — and counts as one address of its own for the (id, address) budget; the per-id limit applies.
 */
import { and, desc, eq, gt, inArray, lte } from 'drizzle-orm';
import { first, inTransaction, type Tx } from '../../db/client';
import { loginFailures, loginKnownAddresses } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError, isAppError } from '../errors';

export const LOGIN_WINDOW_S = 600;
/** The default of LOGIN_LIMIT_PER_ID_ADDRESS (server/env.ts): checks per (id, address) per window. */
export const LOGIN_MAX_ATTEMPTS = 10;
/** How long a successful login's address stays known to its id without another success. */
export const LOGIN_KNOWN_ADDRESS_TTL_S = 90 * 24 * 3600;
const REGISTER_WINDOW_S = 600;

export interface LoginSubject {
  uid: string;
  /** null when the client address cannot be known (http/client-address.ts): no per-address counter. */
  ip: string | null;
}

const uidSubject = (uid: string) => `uid:${uid}`;
/** An unknown address (null) is one address of its own for the pair budget. */
const pairSubject = (uid: string, ip: string | null) => `pair:${uid}@${ip ?? 'unknown'}`;
const ipSubject = (ip: string) => `ip:${ip}`;
const registerSubject = (ip: string) => `register-ip:${ip}`;

/** A counter and its bound within the window. */
interface Limit {
  subject: string;
  max: number;
}

/** The rows one reserved attempt inserted. */
interface Reservation {
  ids: number[];
}

/**
 * Seconds until `subject` has room for one more row (0: it has room now): the max-th most recent row in the window
 * must leave it first. One indexed row read (login_failures_idx), whatever the bound.
 */
async function waitFor(tx: Tx, limit: Limit, now: number, windowS: number): Promise<number> {
  const row = first(
    await tx
      .select({ at: loginFailures.at })
      .from(loginFailures)
      .where(and(eq(loginFailures.subject, limit.subject), gt(loginFailures.at, now - windowS)))
      .orderBy(desc(loginFailures.at))
      .limit(1)
      .offset(limit.max - 1),
  );
  return row ? row.at + windowS - now : 0;
}

/** Throws RATE_LIMITED when any of `limits` is used up, with the longest wait. */
async function assertRoom(tx: Tx, limits: Limit[], now: number, windowS: number, what: string): Promise<void> {
  let wait = 0;
  for (const limit of limits) wait = Math.max(wait, await waitFor(tx, limit, now, windowS));
  if (wait > 0) throw new AppError('RATE_LIMITED', `too many ${what}, retry in ${wait} s`, { retryAfterS: wait });
}

async function insertRows(tx: Tx, subjects: string[], now: number): Promise<Reservation> {
  const rows = await tx
    .insert(loginFailures)
    .values(subjects.map((subject) => ({ subject, at: now })))
    .returning({ id: loginFailures.id });
  return { ids: rows.map((r) => r.id) };
}

async function pruneExpired(tx: Tx, subjects: string[], now: number, windowS: number): Promise<void> {
  await tx
    .delete(loginFailures)
    .where(and(inArray(loginFailures.subject, subjects), lte(loginFailures.at, now - windowS)));
}

async function release(ctx: ServiceCtx, r: Reservation): Promise<void> {
  await inTransaction(ctx.db, (tx) => tx.delete(loginFailures).where(inArray(loginFailures.id, r.ids)));
}

/** Errors that are a verdict on the credentials: the attempt was made and keeps counting. */
function isVerdict(e: unknown, codes: readonly string[]): boolean {
  return isAppError(e) && codes.includes(e.code);
}

async function isKnownAddress(tx: Tx, s: { uid: string; ip: string }, now: number): Promise<boolean> {
  const row = first(
    await tx
      .select({ at: loginKnownAddresses.lastSuccessAt })
      .from(loginKnownAddresses)
      .where(and(eq(loginKnownAddresses.uid, s.uid), eq(loginKnownAddresses.ip, s.ip)))
      .limit(1),
  );
  return row !== undefined && row.at > now - LOGIN_KNOWN_ADDRESS_TTL_S;
}

/** Reserves one password check of `s` (see the policy above), or throws RATE_LIMITED. */
async function reserveLogin(ctx: ServiceCtx, s: LoginSubject): Promise<Reservation> {
  const env = ctx.env;
  const now = ctx.clock.nowS();
  const { uid, ip } = s;
  return inTransaction(ctx.db, async (tx) => {
    const pair = { subject: pairSubject(uid, ip), max: env.LOGIN_LIMIT_PER_ID_ADDRESS };
    const perId = { subject: uidSubject(uid), max: env.LOGIN_LIMIT_PER_ID };
    const perIp = ip === null ? null : { subject: ipSubject(ip), max: env.LOGIN_LIMIT_PER_IP };
    await pruneExpired(tx, [pair.subject, perId.subject, ...(perIp ? [perIp.subject] : [])], now, LOGIN_WINDOW_S);
    const known = ip !== null && (await isKnownAddress(tx, { uid, ip }, now));
    const limits = known ? [pair] : perIp ? [pair, perId, perIp] : [pair, perId];
    await assertRoom(tx, limits, now, LOGIN_WINDOW_S, 'login attempts');
    // The id's row is written from known addresses too: the owner's typos count towards the id like anyone's.
    return insertRows(tx, [pair.subject, perId.subject], now);
  });
}

/** The owner got in: the id and this pair are forgiven, the address becomes (or stays) known to the id. */
async function recordSuccess(ctx: ServiceCtx, s: LoginSubject): Promise<void> {
  const now = ctx.clock.nowS();
  await inTransaction(ctx.db, async (tx) => {
    // The reservation's own rows are among these (it wrote one of each).
    await tx.delete(loginFailures).where(inArray(loginFailures.subject, [uidSubject(s.uid), pairSubject(s.uid, s.ip)]));
    if (s.ip === null) return;
    await tx
      .insert(loginKnownAddresses)
      .values({ uid: s.uid, ip: s.ip, lastSuccessAt: now })
      .onConflictDoUpdate({
        target: [loginKnownAddresses.uid, loginKnownAddresses.ip],
        set: { lastSuccessAt: now },
      });
    await tx
      .delete(loginKnownAddresses)
      .where(
        and(
          eq(loginKnownAddresses.uid, s.uid),
          lte(loginKnownAddresses.lastSuccessAt, now - LOGIN_KNOWN_ADDRESS_TTL_S),
        ),
      );
  });
}

/** A wrong password or unknown id: the reserved rows stay, and the address's failure counter moves. */
async function recordFailure(ctx: ServiceCtx, s: LoginSubject): Promise<void> {
  if (s.ip === null) return;
  const ip = s.ip;
  await inTransaction(ctx.db, (tx) => insertRows(tx, [ipSubject(ip)], ctx.clock.nowS()));
}

/**
 * Runs `check` (the password check) as one counted login attempt of `s`. Throws RATE_LIMITED before calling `check`
 * when a limit that applies to `s` is used up; otherwise whatever `check` throws.
 */
export async function guardLogin<T>(ctx: ServiceCtx, s: LoginSubject, check: () => Promise<T>): Promise<T> {
  const r = await reserveLogin(ctx, s);
  let result: T;
  try {
    result = await check();
  } catch (e) {
    if (isVerdict(e, ['WRONG_PASSWORD', 'USER_NOT_FOUND'])) await recordFailure(ctx, s);
    else await release(ctx, r);
    throw e;
  }
  await recordSuccess(ctx, s);
  return result;
}

/** A changed password forgets where the old one was used: the next success from an address makes it known again. */
export async function forgetKnownAddressesTx(tx: Tx, uid: string): Promise<void> {
  await tx.delete(loginKnownAddresses).where(eq(loginKnownAddresses.uid, uid));
}

/** Runs `register` as one counted registration from `ip`. Throws RATE_LIMITED before calling it when over the limit. */
export async function guardRegistration<T>(ctx: ServiceCtx, ip: string | null, register: () => Promise<T>): Promise<T> {
  if (ip === null) return register();
  const limit = { subject: registerSubject(ip), max: ctx.env.REGISTER_LIMIT_PER_IP };
  const now = ctx.clock.nowS();
  const r = await inTransaction(ctx.db, async (tx) => {
    await pruneExpired(tx, [limit.subject], now, REGISTER_WINDOW_S);
    await assertRoom(tx, [limit], now, REGISTER_WINDOW_S, 'registrations');
    return insertRows(tx, [limit.subject], now);
  });
  try {
    return await register();
  } catch (e) {
    if (!isVerdict(e, ['USER_EXISTS'])) await release(ctx, r);
    throw e;
  }
}
