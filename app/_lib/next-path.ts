/**
 * The `next` return path of the login page: only a same-site relative path is followed ("/class/10001"), never an
 * absolute URL, a protocol-relative one ("//evil"), a backslash trick ("/\evil") or a control character; anything
 * else gives null and the default landing page is used.
 * The path returned is the URL parser's normalized one (dot segments resolved), and that is what is judged: "/.//evil"
 * is fine as written but normalizes to "//evil", which a browser follows to another host.
 */
export function safeNextPath(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 512) return null;
  if (!isPlainRootPath(raw)) return null;
  try {
    const u = new URL(raw, 'http://same.invalid');
    if (u.origin !== 'http://same.invalid') return null;
    const out = u.pathname + u.search + u.hash;
    // Judged decoded too: "/%2F/evil" is harmless here, but a proxy or server that decodes before routing sees "//".
    return isPlainRootPath(out) && isPlainRootPath(decodeURIComponent(u.pathname)) ? out : null;
  } catch {
    return null;
  }
}

/**
 * One slash, then not a second one or a backslash (either would make "//host"), and no control character or
 * backslash anywhere (browsers drop tabs and newlines and read "\" as "/" before resolving).
 */
function isPlainRootPath(p: string): boolean {
  if (!p.startsWith('/') || p.startsWith('//') || p.startsWith('/\\')) return false;
  return !/[\u0000-\u001f\u007f\\]/.test(p);
}
