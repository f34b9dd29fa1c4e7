/**
 * Who is on the other end of a request: the client's IP (per-IP login and registration limits) and the origin the
 * request was addressed to (the console's CSRF check, the Secure cookie flag). One rule for every entry:
 * `X-Forwarded-For/Host/Proto` are believed only when the socket peer is a proxy named in TRUSTED_PROXY; otherwise
 * the socket address and the Host header are the truth, whatever the client wrote in forwarded headers.
 *
 * Entries:
 *  - the custom server (server/main.ts) sees the socket: it resolves the address, serves the legacy door with it, and
 *    stamps it into two headers for Next (after deleting any client-sent copies), marking the process so Next's
 *    handlers believe those headers;
 *  - plain `next start`/`next dev` shows Next handlers no socket peer: forwarded headers are then believed only when
 *    TRUSTED_PROXY is set (the deployment promises the app is reachable only through that proxy), else the IP is
 *    unknown (null: per-IP limits are not applied, per-id limits still are) and the origin comes from Host.
 */
import type { IncomingMessage } from 'node:http';

export interface ClientAddress {
  /** The client's IP; null when it cannot be known (plain `next start` without TRUSTED_PROXY). */
  ip: string | null;
  /** `proto://host[:port]` the client addressed, lower-case. */
  origin: string;
}

/** Header names the custom server stamps for Next (client-sent copies are removed first). */
export const STAMP_IP_HEADER = 'x-edu-client-ip';
export const STAMP_ORIGIN_HEADER = 'x-edu-client-origin';

/** Set on globalThis by the custom server: without it, the stamp headers above are the client's words, not ours. */
const STAMPING = Symbol.for('edu-classroom.client-address-stamping');
type Holder = { [STAMPING]?: boolean };

type HeaderGet = (name: string) => string | undefined;

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) is 10.0.0.1; `[::1]` is ::1. */
export function normalizeAddress(a: string): string {
  const s = a
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return s.startsWith('::ffff:') && s.includes('.') ? s.slice('::ffff:'.length) : s;
}

function firstValue(v: string | undefined): string | undefined {
  const first = v?.split(',')[0]?.trim();
  return first ? first : undefined;
}

/** TRUSTED_PROXY as a lookup set (built once per entry, not per request). */
export function trustedProxies(list: readonly string[]): ReadonlySet<string> {
  return new Set(list.map(normalizeAddress));
}

/**
 * The address of a request that came from `peer` (null: not visible) with `header`s.
 * `scheme` and `fallbackHost` describe the connection itself (the custom server speaks plain http).
 */
export function resolveClientAddress(
  peer: string | null,
  header: HeaderGet,
  trust: ReadonlySet<string>,
  conn: { scheme: string; fallbackHost: string },
): ClientAddress {
  const ownHost = header('host') ?? conn.fallbackHost;
  const viaProxy = peer === null ? trust.size > 0 : trust.has(normalizeAddress(peer));
  if (!viaProxy)
    return { ip: peer === null ? null : normalizeAddress(peer), origin: `${conn.scheme}://${ownHost}`.toLowerCase() };
  // X-Forwarded-For grows to the right, each proxy appending the address it saw: the client is the rightmost hop
  // that is not one of our proxies (anything left of it was written by the client and proves nothing).
  const hops = (header('x-forwarded-for') ?? '').split(',').map(normalizeAddress).filter(Boolean);
  let ip = peer === null ? null : normalizeAddress(peer);
  for (let i = hops.length - 1; i >= 0; i--) {
    ip = hops[i]!;
    if (!trust.has(ip)) break;
  }
  const host = firstValue(header('x-forwarded-host')) ?? ownHost;
  const proto = firstValue(header('x-forwarded-proto')) ?? conn.scheme;
  return { ip, origin: `${proto}://${host}`.toLowerCase() };
}

/** The custom server's view: the socket peer is known. */
export function nodeClientAddress(req: IncomingMessage, trusted: ReadonlySet<string>): ClientAddress {
  const get: HeaderGet = (name) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  return resolveClientAddress(req.socket.remoteAddress ?? null, get, trusted, {
    scheme: 'http',
    fallbackHost: 'localhost',
  });
}

/** Custom server: replaces whatever the client sent under the stamp names with the resolved address, for Next. */
export function stampClientAddress(req: IncomingMessage, addr: ClientAddress): void {
  (globalThis as Holder)[STAMPING] = true;
  req.headers[STAMP_IP_HEADER] = addr.ip ?? '';
  req.headers[STAMP_ORIGIN_HEADER] = addr.origin;
}

/**
 * A fetch Request's address (tRPC route, Next's /index.php route): the custom server's stamp when it is the entry,
 * else forwarded headers only under TRUSTED_PROXY (no socket peer is visible here).
 */
export function fetchClientAddress(headers: Headers, url: string, trusted: ReadonlySet<string>): ClientAddress {
  const get: HeaderGet = (name) => headers.get(name) ?? undefined;
  if ((globalThis as Holder)[STAMPING]) {
    const origin = headers.get(STAMP_ORIGIN_HEADER);
    if (origin) return { ip: headers.get(STAMP_IP_HEADER) || null, origin };
  }
  const u = new URL(url);
  return resolveClientAddress(null, get, trusted, { scheme: u.protocol.replace(/:$/, ''), fallbackHost: u.host });
}
