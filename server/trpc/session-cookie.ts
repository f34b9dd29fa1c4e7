/**
 * The console session cookie: name, parsing and Set-Cookie values. httpOnly (scripts never see the secret),
 * SameSite=Lax (not sent on cross-site subresource requests or POSTs), Secure when the request arrived over https
 * (directly, or through a TRUSTED_PROXY saying x-forwarded-proto: https; see http/client-address.ts). The value is the random secret; the database
 * keeps only its hash (services/tokens.ts).
 */
export const SESSION_COOKIE = 'console_session';
/** Matches TOKEN_IDLE_EXPIRE_S by default; the server-side idle check is what really ends a session. */
const MAX_AGE_S = 7 * 86400;

/** Reads one cookie from a Cookie header; undefined when absent. Values are not URI-decoded (ours are base64url). */
export function readCookie(cookieHeader: string | null, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function attributes(secure: boolean): string {
  return `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function sessionSetCookie(secret: string, secure: boolean, maxAgeS = MAX_AGE_S): string {
  return `${SESSION_COOKIE}=${secret}; Max-Age=${maxAgeS}; ${attributes(secure)}`;
}

export function sessionClearCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Max-Age=0; ${attributes(secure)}`;
}
