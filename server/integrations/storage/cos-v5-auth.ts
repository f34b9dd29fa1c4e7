/**
 * COS XML (v5) request signatures, written from the algorithm (tencent-protocols.md §3a) with node:crypto: `signV5`
 * produces an Authorization string, `verifyV5Request` checks one the way COS does — over the method, the decoded
 * pathname, the query parameters and headers the signature lists (the Host header exactly as received, port
 * included), the key time, and the SecretId. Used by this server's /storage/ upload route and by the fake COS in tests;
 * cos-nodejs-sdk-v5 does the signing on the client side, so every test checks the SDK against this implementation.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Headers COS lets a signature cover (besides any name containing x-cos- or x-ci-). */
const SIGNABLE_HEADERS = new Set([
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-length',
  'content-md5',
  'content-type',
  'expect',
  'expires',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-unmodified-since',
  'origin',
  'range',
  'transfer-encoding',
  'pic-operations',
]);

function isSignableHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SIGNABLE_HEADERS.has(n) || n.includes('x-cos-') || n.includes('x-ci-');
}

/** encodeURIComponent with ! ' ( ) * escaped too, as COS encodes. */
function cosEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `lower(enc(k))=enc(v)` pairs sorted by key, joined with &; and the sorted key list joined with ;. */
function canonical(entries: [string, string][], keysEncoded = false): { text: string; names: string } {
  const pairs = entries
    .map(([k, v]) => [keysEncoded ? k : cosEncode(k).toLowerCase(), cosEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { text: pairs.map(([k, v]) => `${k}=${v}`).join('&'), names: pairs.map(([k]) => k).join(';') };
}

const sha1Hex = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');
const hmacSha1Hex = (key: string, s: string) => createHmac('sha1', key).update(s, 'utf8').digest('hex');

interface V5SignInput {
  secretId: string;
  secretKey: string;
  method: string;
  /** The path as signed: `/` + raw (not percent-encoded) key. */
  pathname: string;
  query?: Record<string, string>;
  /** Only signable headers are used (others are dropped, as the SDK does). */
  headers?: Record<string, string>;
  /** "start;end" in unix seconds. */
  keyTime: string;
}

function signatureOf(
  secretKey: string,
  keyTime: string,
  method: string,
  pathname: string,
  params: string,
  headers: string,
): string {
  const signKey = hmacSha1Hex(secretKey, keyTime);
  const httpString = `${method.toLowerCase()}\n${pathname}\n${params}\n${headers}\n`;
  const stringToSign = `sha1\n${keyTime}\n${sha1Hex(httpString)}\n`;
  return hmacSha1Hex(signKey, stringToSign);
}

/** An Authorization string (`q-sign-algorithm=sha1&q-ak=…&q-signature=…`). */
export function signV5(i: V5SignInput): string {
  const q = canonical(Object.entries(i.query ?? {}));
  const h = canonical(Object.entries(i.headers ?? {}).filter(([k]) => isSignableHeader(k)));
  const sig = signatureOf(i.secretKey, i.keyTime, i.method, i.pathname, q.text, h.text);
  return [
    'q-sign-algorithm=sha1',
    `q-ak=${i.secretId}`,
    `q-sign-time=${i.keyTime}`,
    `q-key-time=${i.keyTime}`,
    `q-header-list=${h.names}`,
    `q-url-param-list=${q.names}`,
    `q-signature=${sig}`,
  ].join('&');
}

const AUTH_FIELDS = [
  'q-sign-algorithm',
  'q-ak',
  'q-sign-time',
  'q-key-time',
  'q-header-list',
  'q-url-param-list',
  'q-signature',
] as const;
type AuthField = (typeof AUTH_FIELDS)[number];
const AUTH_FIELD_SET = new Set<string>(AUTH_FIELDS);

export interface V5Request {
  method: string;
  /** Decoded request path as COS signs it (`/` + key). */
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

type V5Failure = {
  ok: false;
  status: 403 | 400;
  code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'InvalidArgument';
  message: string;
};
type V5Result = { ok: true; secretId: string; expiresAt: number; signedHeaders: string[] } | V5Failure;

interface V5VerifyOptions {
  /** SecretKey of a SecretId, or undefined when unknown. */
  secretKeyOf(secretId: string): string | undefined;
  nowS: number;
  /** Headers the signature must cover (this server requires `host`, so a URL cannot be replayed on another host). */
  requireSignedHeaders?: string[];
  /** Tolerated clock skew for a key time that starts in the future. */
  skewS?: number;
}

function fail(code: V5Failure['code'], message: string, status: 403 | 400 = 403): V5Failure {
  return { ok: false, status, code, message };
}

/** The authorization fields, from the Authorization header or (presigned URL) the query string. */
function authFields(req: V5Request): Map<AuthField, string> | null {
  const header = req.headers.authorization;
  const fields = new Map<AuthField, string>();
  if (typeof header === 'string' && header.length > 0) {
    for (const part of header.split('&')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const k = part.slice(0, eq);
      if (AUTH_FIELD_SET.has(k)) fields.set(k as AuthField, decodeSafe(part.slice(eq + 1)));
    }
  } else {
    for (const f of AUTH_FIELDS) {
      const v = req.query.get(f);
      if (v !== null) fields.set(f, v);
    }
  }
  return fields.size === 0 ? null : fields;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseKeyTime(s: string | undefined): [number, number] | null {
  const m = /^(\d{1,12});(\d{1,12})$/.exec(s ?? '');
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  return start <= end ? [start, end] : null;
}

/** Checks a request's COS v5 signature. Never throws. */
export function verifyV5Request(req: V5Request, opts: V5VerifyOptions): V5Result {
  const f = authFields(req);
  if (!f) return fail('AccessDenied', 'Access Denied: no authorization (header or presigned query)');
  for (const k of AUTH_FIELDS) if (!f.has(k)) return fail('AccessDenied', `Authorization is missing ${k}`);
  if (f.get('q-sign-algorithm') !== 'sha1') return fail('InvalidArgument', 'q-sign-algorithm must be sha1', 400);
  const secretId = f.get('q-ak')!;
  const secretKey = opts.secretKeyOf(secretId);
  if (!secretKey) return fail('AccessDenied', 'InvalidAccessKeyId: the SecretId is not known');
  const signTime = parseKeyTime(f.get('q-sign-time'));
  const keyTime = parseKeyTime(f.get('q-key-time'));
  if (!signTime || !keyTime) return fail('AccessDenied', 'q-sign-time / q-key-time must be "start;end"');
  const skew = opts.skewS ?? 60;
  for (const [start, end] of [signTime, keyTime]) {
    if (opts.nowS > end) return fail('AccessDenied', 'Request has expired');
    if (start > opts.nowS + skew) return fail('AccessDenied', 'Request has not yet become valid');
  }

  const headerNames = (f.get('q-header-list') ?? '').split(';').filter(Boolean);
  for (const must of opts.requireSignedHeaders ?? []) {
    if (!headerNames.includes(must)) return fail('AccessDenied', `the signature must cover the ${must} header`);
  }
  const headerEntries: [string, string][] = [];
  for (const name of headerNames) {
    const v = req.headers[name.toLowerCase()];
    if (v === undefined) return fail('SignatureDoesNotMatch', `signed header ${name} is missing from the request`);
    headerEntries.push([name, Array.isArray(v) ? v.join(',') : v]);
  }
  const paramNames = (f.get('q-url-param-list') ?? '').split(';').filter(Boolean);
  const byLowerName = new Map<string, string>();
  for (const [k, v] of req.query) {
    if (AUTH_FIELD_SET.has(k)) continue;
    const lk = cosEncode(k).toLowerCase();
    if (!byLowerName.has(lk)) byLowerName.set(lk, v);
  }
  const paramEntries: [string, string][] = [];
  for (const name of paramNames) {
    const v = byLowerName.get(name);
    if (v === undefined) return fail('SignatureDoesNotMatch', `signed parameter ${name} is missing from the request`);
    paramEntries.push([name, v]);
  }
  const q = canonical(paramEntries, true);
  const h = canonical(headerEntries, true);
  const expected = signatureOf(secretKey, f.get('q-key-time')!, req.method, req.pathname, q.text, h.text);
  const got = f.get('q-signature')!;
  const a = Buffer.from(got);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return fail(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided',
    );
  }
  return { ok: true, secretId, expiresAt: Math.min(signTime[1], keyTime[1]), signedHeaders: headerNames };
}
