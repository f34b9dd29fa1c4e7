/**
 * One input rule for both doors: no text may carry a NUL character. PostgreSQL cannot store it in text and no client
 * sends it, so the legacy handler and every tRPC procedure refuse it before any service runs, naming where it was —
 * instead of each field schema repeating the check, or the database failing with an internal error.
 */
export const NUL_MESSAGE = 'must not contain NUL characters';

/** Where the first NUL sits in a decoded body (dotted path; '' for the value itself), or null when there is none. */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000')) return path ? `${path}.${k}` : k;
    const at = findNul(v, path ? `${path}.${k}` : k);
    if (at !== null) return at;
  }
  return null;
}
