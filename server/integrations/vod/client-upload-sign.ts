/**
 * VOD client-upload signature ("v2 procedure" signature handed to upload SDKs, tencent-protocols.md §4b). Pure: the
 * caller passes the clock and the random number.
 */
import { createHmac } from 'node:crypto';
import { stringify } from 'node:querystring';

/** Tencent refuses signatures valid for longer than 90 days. */
export const MAX_CLIENT_SIGN_LIFETIME_S = 7_776_000;

interface ClientUploadSignInput {
  secretId: string;
  secretKey: string;
  now: number;
  /** Requested lifetime; capped at 90 days. */
  lifetimeS: number;
  random: number;
  /** Optional fields (procedure, classId, oneTimeValid, sourceContext…), appended in this insertion order. */
  options?: Record<string, string | number>;
}

/** The query string that is signed and embedded, in this field order (Node querystring encoding). */
export function clientUploadPlain(i: ClientUploadSignInput): string {
  const fields: Record<string, string | number> = {
    secretId: i.secretId,
    currentTimeStamp: i.now,
    expireTime: i.now + Math.min(i.lifetimeS, MAX_CLIENT_SIGN_LIFETIME_S),
    random: i.random,
  };
  // Options never replace a required field (they come from config, but the four required ones are not negotiable).
  for (const [k, v] of Object.entries(i.options ?? {})) if (!(k in fields)) fields[k] = v;
  return stringify(fields);
}

/** base64( HMAC-SHA1(SecretKey, plain) raw bytes ‖ plain bytes ). */
export function clientUploadSign(i: ClientUploadSignInput): string {
  const plain = Buffer.from(clientUploadPlain(i), 'utf8');
  return Buffer.concat([createHmac('sha1', i.secretKey).update(plain).digest(), plain]).toString('base64');
}
