/**
 * Who may call back: the two checks a live (CSS) callback passes before anything it says is applied, both run by the
 * door (legacy/commands/callbacks.ts) ahead of the recording or stream service.
 *  - Where it comes from: LIVE_CALLBACK_ALLOWED_IPS (addresses and CIDR blocks). The signature does not bind the
 *    body (below), so a network bound is the one defence that does not depend on the notice. Unset: any address (the
 *    signature window and idempotency still hold). The client address is the one http/client-address.ts resolved
 *    (TRUSTED_PROXY decides whether X-Forwarded-For counts).
 *  - Its signature: md5(LIVE_CALLBACK_KEY + t) within t's window.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { addressListHas } from '../http/address-list';

/** Throws NO_PRIVILEGE when an allow-list is configured and `ip` (null: unknown) is not on it. */
export function assertCallbackSource(ctx: ServiceCtx, ip: string | null): void {
  const allowed = ctx.env.LIVE_CALLBACK_ALLOWED_IPS;
  if (allowed.length === 0) return;
  if (ip === null || !addressListHas(allowed, ip))
    throw new AppError('NO_PRIVILEGE', 'callback source: this address is not in LIVE_CALLBACK_ALLOWED_IPS');
}

/** How far in the future a callback's `t` (its expiry) may lie; Tencent signs notices valid for minutes. */
const CALLBACK_MAX_TTL_S = 3600;

/**
 * Checks a live callback's signature: `sign` must equal md5(LIVE_CALLBACK_KEY + t) (lower-case hex, over `t` exactly
 * as sent) and `t` (the notice's expiry) must not have passed nor lie more than an hour ahead. Without a key every
 * callback is refused unless LIVE_CALLBACK_ALLOW_UNSIGNED=1 (local experiments; logged at start). Throws NO_PRIVILEGE.
 *
 * What this proves, and what it does not: Tencent's scheme signs only the key and `t`, never the body, so every
 * notice Tencent issues in the same second carries the same (t, sign) — two recordings, a stream's end and start,
 * Tencent's retries. The pair is therefore not an identity and is not remembered: refusing a pair seen before would
 * drop genuine recordings. What defends instead: the short `t` window (a captured signature stops working when `t`
 * passes), idempotent application by the notice's own identity (a recording by (course, file id): a notice delivered
 * twice is stored once, announced once), and the optional source-address allow-list LIVE_CALLBACK_ALLOWED_IPS
 * (assertCallbackSource above), checked by the door before this.
 */
export function verifyLiveCallbackSign(ctx: ServiceCtx, t: string | undefined, sign: string | undefined): void {
  const key = ctx.env.LIVE_CALLBACK_KEY;
  if (!key) {
    if (ctx.env.LIVE_CALLBACK_ALLOW_UNSIGNED) return;
    throw new AppError('NO_PRIVILEGE', 'callback sign: LIVE_CALLBACK_KEY is not configured on this server');
  }
  if (t === undefined || sign === undefined)
    throw new AppError('NO_PRIVILEGE', 'callback sign: t and sign are required');
  const expected = Buffer.from(
    createHash('md5')
      .update(key + t, 'utf8')
      .digest('hex'),
  );
  const got = Buffer.from(sign.toLowerCase());
  if (got.length !== expected.length || !timingSafeEqual(got, expected))
    throw new AppError('NO_PRIVILEGE', 'callback sign: does not match');
  const now = ctx.clock.nowS();
  const expiry = Number(t);
  if (now > expiry) throw new AppError('NO_PRIVILEGE', 'callback sign: expired');
  if (expiry > now + CALLBACK_MAX_TTL_S)
    throw new AppError('NO_PRIVILEGE', 'callback sign: t is too far in the future');
}
