/**
 * Injected randomness, like clock.ts for time: services and providers draw the numbers that need not be secret but
 * must not repeat by design (IM message seq and random, signature nonces) from ctx.random, so tests can pin them.
 * Secrets (tokens, salts, reset codes, generated keys, upload names) are drawn from node:crypto where they are made:
 * nothing may swap them for a predictable source.
 */
import { randomInt } from 'node:crypto';

export interface Random {
  /** A uniformly random integer in [0, max); max at most 2^48. */
  int(max: number): number;
}

/** CSPRNG-backed (node:crypto randomInt). */
export const systemRandom: Random = { int: (max) => randomInt(0, max) };

/** A source tests pin: returns `values` in turn (each must be below the asked max), then repeats the last. */
export function fixedRandom(...values: number[]): Random {
  if (values.length === 0) throw new Error('fixedRandom needs at least one value');
  let i = 0;
  return {
    int: (max) => {
      const v = values[Math.min(i++, values.length - 1)]!;
      if (!Number.isInteger(v) || v < 0 || v >= max) throw new Error(`fixedRandom: ${v} is not in [0, ${max})`);
      return v;
    },
  };
}
