/**
 * Console login rate limiting: at most LOGIN_MAX_FAILURES failed logins per account id and per client IP within
 * LOGIN_WINDOW_S; past that the subject waits until its oldest counted failure leaves the window.
 * Backed by the `login_failures` table (so the limit holds across processes and restarts).
 * Caller: services/sessions.loginConsole. Throws RATE_LIMITED with `data.retryAfterS`.
 */
import { and, desc, gte, inArray, lt, eq } from 'drizzle-orm';
import { loginFailures } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';

export const LOGIN_WINDOW_S = 600;
export const LOGIN_MAX_FAILURES = 10;

export interface LoginSubject {
  uid: string;
  ip: string;
}

function subjects(s: LoginSubject): string[] {
  return [`uid:${s.uid}`, `ip:${s.ip}`];
}

/** Seconds until `subject` may try again (0 = now). */
async function waitFor(ctx: ServiceCtx, subject: string, now: number): Promise<number> {
  const recent = await ctx.db
    .select({ at: loginFailures.at })
    .from(loginFailures)
    .where(and(eq(loginFailures.subject, subject), gte(loginFailures.at, now - LOGIN_WINDOW_S + 1)))
    .orderBy(desc(loginFailures.at))
    .limit(LOGIN_MAX_FAILURES);
  if (recent.length < LOGIN_MAX_FAILURES) return 0;
  // The LOGIN_MAX_FAILURES-th most recent failure: once it ages out, one attempt becomes possible again.
  const oldest = recent[recent.length - 1]!.at;
  return Math.max(1, oldest + LOGIN_WINDOW_S - now);
}

/** Throws RATE_LIMITED (data.retryAfterS) when the id or the IP has used up its failures. */
export async function assertLoginAllowed(ctx: ServiceCtx, s: LoginSubject): Promise<void> {
  const now = ctx.clock.nowS();
  let wait = 0;
  for (const subject of subjects(s)) wait = Math.max(wait, await waitFor(ctx, subject, now));
  if (wait > 0) throw new AppError('RATE_LIMITED', `too many failed logins; try again in ${wait} s`, { retryAfterS: wait });
}

/** Counts one failure against both the id and the IP, and drops their rows that left the window. */
export async function recordLoginFailure(ctx: ServiceCtx, s: LoginSubject): Promise<void> {
  const now = ctx.clock.nowS();
  const subs = subjects(s);
  await ctx.db.delete(loginFailures).where(and(inArray(loginFailures.subject, subs), lt(loginFailures.at, now - LOGIN_WINDOW_S)));
  await ctx.db.insert(loginFailures).values(subs.map((subject) => ({ subject, at: now })));
}

/** A successful login forgives the id's failures (the IP's stay: it may be spraying other ids). */
export async function clearLoginFailures(ctx: ServiceCtx, uid: string): Promise<void> {
  await ctx.db.delete(loginFailures).where(eq(loginFailures.subject, `uid:${uid}`));
}
