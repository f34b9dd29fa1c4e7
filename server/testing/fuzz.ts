/**
 * Shared pieces of the fuzz tests (legacy/fuzz.http.test.ts, legacy/signing-fuzz.http.test.ts, the callback fuzz in
 * legacy/callbacks.http.test.ts): a seeded PRNG so a failure replays from its seed, the JSON value type the
 * generators build, random text over a suite's own odd characters, and the batched send that checks every reply is a
 * clean refusal (HTTP 200 JSON, a non-zero integer errorCode, never 90000). What each suite generates and what else
 * it asserts stays in the suite.
 */
import { expect } from 'vitest';
import type { LegacyTestServer } from './legacy-server';

/** mulberry32: small, fast, good enough to pick test inputs, and reproducible from one 32-bit seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Rng = ReturnType<typeof prng>;

/** A JSON number literal written verbatim (1e309, -0, NaN…), so the body text carries what JSON.stringify cannot. */
export class Raw {
  constructor(readonly text: string) {}
}
/** A JSON value as the generators build it (Raw only where the body is written with `serialize`). */
export type J = null | boolean | number | string | Raw | J[] | { [k: string]: J };

/** Body text of a generated value; Raw literals are written as they are. */
export function serialize(v: J): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Up to `maxLen` characters: with probability `pOdd` each piece is one of `odd` (the suite's troublesome strings),
 * otherwise a printable ASCII character. May overshoot `maxLen` by the last odd piece.
 */
export function randomText(r: Rng, maxLen: number, odd: readonly string[], pOdd: number): string {
  const n = r.int(maxLen + 1);
  let s = '';
  while (s.length < n) s += r.chance(pOdd) ? r.pick(odd) : String.fromCharCode(32 + r.int(95));
  return s;
}

/** One fuzz request: the command and the exact body text sent. */
interface FuzzCase {
  svcCmd: string;
  body: string;
}

/**
 * Sends the cases `parallel` at a time as raw bodies and checks each reply is a refusal: HTTP 200, a JSON content
 * type, an integer errorCode that is neither 0 nor 90000. `label` names a case in failure messages; `also` adds a
 * suite's own checks. Returns how often each errorCode came back.
 */
export async function sendRefused<C extends FuzzCase>(
  s: LegacyTestServer,
  cases: readonly C[],
  parallel: number,
  label: (c: C, index: number, replyText: string) => string,
  also: (res: Awaited<ReturnType<LegacyTestServer['raw']>>, label: string) => void = () => {},
): Promise<Map<number, number>> {
  const codes = new Map<number, number>();
  for (let k = 0; k < cases.length; k += parallel) {
    await Promise.all(
      cases.slice(k, k + parallel).map(async (c, j) => {
        const [svc, cmd] = c.svcCmd.split('/') as [string, string];
        const res = await s.raw(svc, cmd, c.body);
        const where = label(c, k + j, res.text.slice(0, 300));
        expect(res.status, where).toBe(200);
        expect(res.headers.get('content-type'), where).toMatch(/^application\/json/);
        const json = res.json as { errorCode: unknown };
        expect(json, where).toBeTypeOf('object');
        expect(Number.isInteger(json.errorCode), where).toBe(true);
        expect(json.errorCode, where).not.toBe(0);
        expect(json.errorCode, where).not.toBe(90000);
        also(res, where);
        codes.set(json.errorCode as number, (codes.get(json.errorCode as number) ?? 0) + 1);
      }),
    );
  }
  return codes;
}
