/**
 * Checks every request passes before a door reads it: a body-size bound (declared or streamed) and a well-formed
 * percent-encoded path. The node entry (server/main.ts) applies them before Next sees a request; the tRPC route
 * applies the fetch-level bound itself so `next start` without the custom server is bounded too.
 * Why: Next buffers a route's body whole; unbounded, one unauthenticated 200 MB POST cost ~1.7 GB RSS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The largest body any Next route (tRPC, console pages) accepts. Signed uploads under /storage keep UPLOAD_MAX_BYTES. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/**
 * Headers of the replies this module writes itself (no Next in between): the same protections next.config.js sets
 * on pages (nosniff, no framing, no referrer leak), with the strictest CSP since the reply is plain text.
 */
export const GUARD_REPLY_HEADERS: Record<string, string> = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  'Cache-Control': 'no-store',
};

/**
 * Longest request target (path + query) served: far above any URL the console or the 2017 clients build, far below
 * Node's 16 KB header limit (which answers 431 itself). Longer → 414.
 */
export const MAX_REQUEST_TARGET_BYTES = 8 * 1024;

const LOCAL_BASE = 'http://localhost';

/** A request target this server serves (origin-form), or the reply a malformed one gets. */
export type RequestTarget =
  { ok: true; url: URL } | { ok: false; status: 204 | 400 | 414; text: string; headers?: Record<string, string> };

/**
 * Parses `req.url` as an origin-form target (`/path?query`, RFC 9112 §3.2.1) — the only form a browser or the 2017
 * clients send to an origin server. Why strict: `new URL('//', base)` throws (and `//host/x`, `/\host` resolve to
 * another host), `http://other/x` (absolute-form) is for proxies, and `*` is only meaningful for `OPTIONS *`, which
 * gets its answer here. Every refusal is a plain 400/414 reply, never a thrown error or an unanswered socket.
 */
export function parseRequestTarget(method: string | undefined, rawUrl: string | undefined): RequestTarget {
  const raw = rawUrl ?? '/';
  if (raw.length > MAX_REQUEST_TARGET_BYTES) return { ok: false, status: 414, text: 'request target too long' };
  if (raw === '*') {
    return method === 'OPTIONS'
      ? { ok: false, status: 204, text: '', headers: { Allow: 'GET, HEAD, POST, PUT, OPTIONS' } }
      : { ok: false, status: 400, text: 'malformed request target' };
  }
  // Origin-form only: one leading slash, and no second slash or backslash right after it (an authority to WHATWG URL).
  if (raw[0] !== '/' || raw[1] === '/' || raw[1] === '\\')
    return { ok: false, status: 400, text: 'malformed request target' };
  try {
    const url = new URL(raw, LOCAL_BASE);
    // Belt and braces: whatever the parser made of it must still be this origin.
    if (url.origin !== LOCAL_BASE) return { ok: false, status: 400, text: 'malformed request target' };
    return { ok: true, url };
  } catch {
    return { ok: false, status: 400, text: 'malformed request target' };
  }
}

/** Whether the raw request path holds a percent-encoding that does not decode (`%ZZ`, a cut UTF-8 sequence, a lone `%`). */
export function hasMalformedPath(rawUrl: string): boolean {
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

export function replyGuard(
  res: ServerResponse,
  status: 204 | 400 | 413 | 414 | 500,
  text: string,
  close = false,
  extra: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const headers = { ...GUARD_REPLY_HEADERS, ...extra, ...(close ? { Connection: 'close' } : {}) };
  res.writeHead(status, headers);
  res.end(status === 204 ? undefined : text);
}

/**
 * Bounds a node request's body at `limit` bytes. A declared Content-Length over the limit is answered 413 at once
 * (returns false: the caller hands the request on to nobody). A body without a declared length (chunked) is counted
 * as the HTTP parser pushes it: past the limit, further chunks are dropped (never buffered), 413 is sent and the
 * connection closed. Counting at `push` leaves the stream's flow untouched for whoever reads it next (Next).
 */
export function limitRequestBody(req: IncomingMessage, res: ServerResponse, limit: number): boolean {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    refuse(req, res);
    return false;
  }
  let seen = 0;
  let over = false;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk === null || chunk === undefined) return push(chunk, encoding);
    if (over) return false;
    seen += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Uint8Array).length;
    if (seen > limit) {
      over = true;
      refuse(req, res);
      return false;
    }
    return push(chunk, encoding);
  };
  return true;
}

function refuse(req: IncomingMessage, res: ServerResponse): void {
  // Close the connection once the reply is out: the rest of the body is never read.
  res.once('finish', () => req.socket.destroy());
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  replyGuard(res, 413, 'request body too large', true);
}

/** Reads a fetch Request's body up to `limit` bytes; null when it is larger (declared or streamed), read no further. */
export async function readBoundedBody(req: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) return null;
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
