/**
 * VOD (and other qcloud) API 2.0 request signature (tencent-protocols.md §4a). Pure functions: the caller decides
 * which hosts/actions may be signed (services/signing/vod.ts); this file only computes.
 */
import { createHmac } from 'node:crypto';

export type SignatureMethod = 'HmacSHA1' | 'HmacSHA256';
export type V2Method = 'GET' | 'POST';

/** A flattened v2 parameter set: key → raw (unencoded) string value. */
export type FlatParams = Map<string, string>;

/**
 * The string to sign: METHOD + host + path + '?' + k=v joined by '&', keys sorted in plain byte order, values raw.
 * `Signature` is never part of it. Keys are used as given (normalise them with `normalizeV2Params` first).
 */
export function vodV2SignSource(method: V2Method, host: string, path: string, params: FlatParams): string {
  const keys = [...params.keys()].filter((k) => k !== 'Signature');
  // Byte order, not locale order: compare UTF-8 bytes (equals UTF-16 code-unit order for the ASCII keys we allow).
  keys.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const joined = keys.map((k) => `${k}=${params.get(k)}`).join('&');
  return `${method}${host}${path}?${joined}`;
}

/** base64(HMAC(SecretKey, src)), NOT URL-encoded (the client encodes it when it sends the request). */
export function vodV2Sign(secretKey: string, method: SignatureMethod, src: string): string {
  return createHmac(method === 'HmacSHA256' ? 'sha256' : 'sha1', secretKey)
    .update(src, 'utf8')
    .digest('base64');
}

/** A JSON value as a client may send it inside `params`. */
export type ParamValue = string | number | ParamValue[] | { [k: string]: ParamValue };

/**
 * Flattens nested params the way the v2 API numbers them (`fileIds: ['a','b']` → `fileIds.0=a`, `fileIds.1=b`;
 * `{a: {b: 1}}` → `a.b=1`) and replaces `_` with `.` in every key, as the 2017 demo did. Returns null on a key
 * collision after normalisation (e.g. both `a_b` and `a.b`), which the caller reports as bad input.
 */
export function normalizeV2Params(params: Record<string, ParamValue>): FlatParams | null {
  const out: FlatParams = new Map();
  let collision = false;
  const walk = (key: string, v: ParamValue): void => {
    if (Array.isArray(v)) v.forEach((item, i) => walk(`${key}.${i}`, item));
    else if (typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(`${key}.${k}`, item);
    else {
      const k = key.replaceAll('_', '.');
      if (out.has(k)) collision = true;
      out.set(k, typeof v === 'number' ? numberText(v) : v);
    }
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return collision ? null : out;
}

/** Numbers as PHP would print them in the demo (integers without exponent or `.0`). */
function numberText(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
}
