/**
 * CSRF defence for state-changing console requests, on top of the SameSite=Lax session cookie:
 *  1. a custom header (`x-console-csrf: 1`): a cross-site HTML form cannot set headers, and a cross-site fetch that
 *     sets one triggers a CORS preflight this server never approves;
 *  2. when the browser says where the request comes from (Origin, or Sec-Fetch-Site), it must be this very host.
 * Clients that send neither Origin nor Sec-Fetch-Site are not browsers, so they carry no ambient cookie to abuse;
 * the custom header is still required of them. Pure functions: no Next, no tRPC, so both doors and tests share them.
 */
export const CSRF_HEADER = 'x-console-csrf';
export const CSRF_VALUE = '1';

type CsrfVerdict = { ok: true } | { ok: false; reason: 'missing-header' | 'cross-origin' | 'cross-site' };

/**
 * `origin`: where the request was addressed (`proto://host[:port]`), as server/http/client-address.ts resolved it:
 * forwarded Host/Proto count only from a TRUSTED_PROXY, so a client cannot name its own Origin as ours.
 */
export function checkCsrf(headers: Headers, origin: string): CsrfVerdict {
  if (headers.get(CSRF_HEADER) !== CSRF_VALUE) return { ok: false, reason: 'missing-header' };
  const sent = headers.get('origin');
  if (sent !== null) {
    // "null" (sandboxed frames, some redirects) is never this host.
    if (sent.toLowerCase() !== origin) return { ok: false, reason: 'cross-origin' };
  }
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return { ok: false, reason: 'cross-site' };
  return { ok: true };
}
