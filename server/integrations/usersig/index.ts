/**
 * UserSig (TLS v2) for Tencent IM, made by the official `tls-sig-api-v2`, plus a package-free decoder/verifier used by
 * tests and by the local IM fake. Pure: no env, no network.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { Api } from 'tls-sig-api-v2';

export interface UserSigSigner {
  sign(identifier: string): string;
}

export function createUserSigSigner(sdkappid: number, key: string, expireS: number): UserSigSigner {
  const api = new Api(sdkappid, key);
  return { sign: (identifier) => api.genUserSig(identifier, expireS) };
}

export interface DecodedUserSig {
  'TLS.ver': string;
  'TLS.identifier': string;
  'TLS.sdkappid': number;
  'TLS.time': number;
  'TLS.expire': number;
  'TLS.userbuf'?: string;
  'TLS.sig': string;
}

/** Decodes a UserSig (base64url variant `*-_`, zlib, JSON). Throws on garbage. */
export function decodeUserSig(sig: string): DecodedUserSig {
  const std = sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return JSON.parse(inflateSync(Buffer.from(std, 'base64')).toString('utf8')) as DecodedUserSig;
}

/** True when the sig decodes, its HMAC matches `key`, it names `identifier`/`sdkappid`, and it has not expired. */
export function verifyUserSig(
  sig: string,
  opts: { key: string; sdkappid: number; identifier: string; nowS: number },
): boolean {
  let d: DecodedUserSig;
  try {
    d = decodeUserSig(sig);
  } catch {
    return false;
  }
  const text =
    ['identifier', 'sdkappid', 'time', 'expire']
      .map((k) => `TLS.${k}:${String(d[`TLS.${k}` as keyof DecodedUserSig])}\n`)
      .join('') + (d['TLS.userbuf'] ? `TLS.userbuf:${d['TLS.userbuf']}\n` : '');
  const mac = createHmac('sha256', opts.key).update(text).digest();
  const given = Buffer.from(String(d['TLS.sig']), 'base64');
  return (
    given.length === mac.length &&
    timingSafeEqual(given, mac) &&
    d['TLS.identifier'] === opts.identifier &&
    d['TLS.sdkappid'] === opts.sdkappid &&
    opts.nowS < d['TLS.time'] + d['TLS.expire']
  );
}
