/**
 * One input rule for both doors: no text may carry a NUL character. PostgreSQL cannot store it in text and no client
 * sends it, so the legacy handler and every tRPC procedure refuse it before any service runs, naming where it was —
 * instead of each field schema repeating the check, or the database failing with an internal error.
 */
export const NUL_MESSAGE = 'must not contain NUL characters';

/**
 * Where the first NUL sits in a decoded body (dotted path; '' for the value itself), or null when there is none: in
 * a string value or in an object key, depth first in document order. Iterative (an explicit stack), so a body nested
 * however deep cannot overflow the call stack here; the doors refuse such bodies first anyway (json-depth.ts).
 */
export function findNul(value: unknown): string | null {
  const stack: { v: unknown; path: string; nulKey: boolean }[] = [{ v: value, path: '', nulKey: false }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { v, path } = top;
    if (top.nulKey) return path;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const entries = Object.entries(v);
    // Pushed in reverse, so entries are looked at in order, each subtree before the next key: the path a recursive
    // walk would name.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, child] = entries[i]!;
      stack.push({ v: child, path: path ? `${path}.${k}` : k, nulKey: k.includes('\u0000') });
    }
  }
  return null;
}
