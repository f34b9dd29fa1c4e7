/** The random source signing commands pass to the signing services (tests pass a fixed one instead). */
import { randomInt } from 'node:crypto';

/** An unsigned 32-bit CSPRNG integer: at most 10 decimal digits, as v4 `r` and VOD `random` require. */
export const randomUint32 = (): number => randomInt(0, 2 ** 32);
