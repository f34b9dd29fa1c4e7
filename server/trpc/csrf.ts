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

export type CsrfVerdict = { ok: true } | { ok: false; reason: 'missing-header' | 'cross-origin' | 'cross-site' };

/** The origin (`proto://host[:port]`) this request was addressed to, honouring a reverse proxy's forwarded headers. */
export function requestOrigin(headers: Headers, url: string): string {
  const u = new URL(url);
  const host = firstValue(headers.get('x-forwarded-host')) ?? headers.get('host') ?? u.host;
  const proto = firstValue(headers.get('x-forwarded-proto')) ?? u.protocol.replace(/:$/, '');
  return `${proto}://${host}`.toLowerCase();
}

function firstValue(v: string | null): string | undefined {
  const first = v?.split(',')[0]?.trim();
  return first ? first : undefined;
}

export function checkCsrf(headers: Headers, url: string): CsrfVerdict {
  if (headers.get(CSRF_HEADER) !== CSRF_VALUE) return { ok: false, reason: 'missing-header' };
  const origin = headers.get('origin');
  if (origin !== null) {
    // "null" (sandboxed frames, some redirects) is never this host.
    if (origin.toLowerCase() !== requestOrigin(headers, url)) return { ok: false, reason: 'cross-origin' };
  }
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return { ok: false, reason: 'cross-site' };
  return { ok: true };
}
