/**
 * COS v4 (JSON API) "multi-effect / once" signature, the format the 2017 mobile COS SDKs send
 * (tencent-protocols.md §3b). Pure: the caller passes the clock and the random number, so vectors reproduce.
 * Built by hand with node:crypto because cos-nodejs-sdk-v5 only makes bound multi-effect v4 signatures.
 */
import { createHmac } from 'node:crypto';

interface CosV4SignInput {
  appid: number;
  /** Bucket short name (no `-appid` suffix). */
  bucket: string;
  secretId: string;
  secretKey: string;
  /** Expiry, unix seconds; must be 0 for a once (single-use) signature. */
  expire: number;
  /** Current unix seconds. */
  now: number;
  /** Random unsigned integer, at most 10 decimal digits. */
  random: number;
  /** `f`: '' (multi, unbound), a path (multi, bound) or `/<appid>/<bucket>/<path>` (once). */
  fileId: string;
}

/** The signed plain text, field order as Tencent's docs write it: a, b, k, e, t, r, f. */
export function cosV4Plain(i: CosV4SignInput): string {
  return `a=${i.appid}&b=${i.bucket}&k=${i.secretId}&e=${i.expire}&t=${i.now}&r=${i.random}&f=${i.fileId}`;
}

/** base64( HMAC-SHA1(SecretKey, plain) raw 20 bytes ‖ plain UTF-8 ), standard (not URL-safe) base64. */
export function cosV4Sign(i: CosV4SignInput): string {
  const plain = Buffer.from(cosV4Plain(i), 'utf8');
  const mac = createHmac('sha1', i.secretKey).update(plain).digest();
  return Buffer.concat([mac, plain]).toString('base64');
}

/** The once-signature fileid `/<appid>/<bucket>/<path>`: each path segment URL-encoded, `/` kept (§3b). */
export function cosV4FileId(appid: number, bucket: string, filePath: string): string {
  const encoded = filePath
    .replace(/^\/+/, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
  return `/${appid}/${bucket}/${encoded}`;
}
