/**
 * The `next` return path of the login page: only a same-site relative path is followed ("/class/10001"), never an
 * absolute URL, a protocol-relative one ("//evil"), a backslash trick ("/\evil") or a control character; anything
 * else gives null and the default landing page is used.
 */
export function safeNextPath(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 512) return null;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null;
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return null;
  try {
    const u = new URL(raw, 'http://same.invalid');
    if (u.origin !== 'http://same.invalid') return null;
    return u.pathname + u.search + u.hash;
  } catch {
    return null;
  }
}
