/**
 * Where Tencent's callbacks may come from: LIVE_CALLBACK_ALLOWED_IPS (addresses and CIDR blocks). Why: the live
 * callback signature md5(key + t) does not bind the body (recordings.ts), so a network bound is the one defence that
 * does not depend on the notice. Unset: any address (the signature window and idempotency still hold). The client
 * address is the one http/client-address.ts resolved (TRUSTED_PROXY decides whether X-Forwarded-For counts).
 */
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
