/**
 * Password hashing: scrypt (N=2^15, r=8, p=1, 16-byte random salt), run on libuv's pool so a login never blocks the
 * event loop. Stored as `scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>` so parameters can be raised later.
 * Every hash (login, registration) passes one process-wide gate (hash-gate.ts): at most hashConcurrency() at once,
 * a bounded queue behind them, BUSY past it, so a login flood cannot take the threads file serving needs.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { createGate, hashConcurrency } from './hash-gate';

const LOG_N = 15;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

/**
 * Waiting room: a whole school logging in at the start of a lesson (hundreds of requests in the same second) waits
 * its turn instead of being refused. At ~70 ms a hash and one hash at a time a full queue clears in about 18 s, inside
 * the clients' request timeouts. Waiting costs no thread, so the queue's length does not slow file serving; what it
 * bounds is memory and the worst wait.
 */
const QUEUE_MAX = 256;
export const hashGate = createGate({ concurrency: hashConcurrency(), queueMax: QUEUE_MAX });

function deriveNow(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { N: 2 ** logN, r, p, maxmem: MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Throws BUSY when the gate's queue is full. */
function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  return hashGate.run(() => deriveNow(password, salt, logN, r, p));
}

function format(salt: Buffer, key: Buffer): string {
  return `scrypt$${LOG_N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Throws BUSY when too many hashes are already waiting. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return format(salt, await derive(password, salt, LOG_N, R, P));
}

/** Throws BUSY when too many hashes are already waiting. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, logN, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !logN || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(logN), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password: verifying against it costs the same as a real one (no user-enumeration by timing). */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  // Once per process and outside the gate: a BUSY here would be cached for good.
  dummyHash ??= (async () => {
    const salt = randomBytes(16);
    return format(salt, await deriveNow(randomBytes(16).toString('hex'), salt, LOG_N, R, P));
  })();
  return dummyHash;
}
