/**
 * The console HTTP routes' door (the CSV downloads; tRPC has its own in trpc/init.ts): who is asking, decided once per
 * request, and how a domain refusal looks as an HTTP reply. Same policy as the tRPC door: logged out 401, not a
 * teacher 403, someone else's course exactly like a missing one (404).
 */
import type { ServiceCtx } from '../context';
import { isAppError } from '../errors';
import { LOCALE_COOKIE, type Locale } from '../i18n/locales';
import { negotiateLocale } from '../i18n/negotiate';
import { CATALOGS, translate, type Messages } from '../i18n/translate';
import { resolveConsoleSession } from '../console/sessions';
import { teacherOf, type Teacher } from '../services/course-access';
import { readCookie, SESSION_COOKIE } from '../trpc/session-cookie';

export function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/** The viewer's language, from the locale cookie or Accept-Language. */
export interface Viewer {
  locale: Locale;
  m: Messages;
}

/**
 * The teacher behind the request's session cookie, with the viewer's language; or the reply that refuses them
 * (401 logged out, 403 not a teacher), in that language.
 */
export async function teacherOfRequest(
  ctx: ServiceCtx,
  req: Request,
): Promise<{ teacher: Teacher; viewer: Viewer } | { refused: Response }> {
  const cookie = req.headers.get('cookie');
  const locale = negotiateLocale(readCookie(cookie, LOCALE_COOKIE), req.headers.get('accept-language'));
  const viewer = { locale, m: CATALOGS[locale] };
  const caller = await resolveConsoleSession(ctx, readCookie(cookie, SESSION_COOKIE));
  if (!caller) return { refused: plain(401, translate(viewer.m, 'error.UNAUTHORIZED')) };
  const teacher = teacherOf(caller);
  if (!teacher) return { refused: plain(403, translate(viewer.m, 'error.FORBIDDEN')) };
  return { teacher, viewer };
}

/** A valid IANA zone name, else UTC. */
export function timeZoneOf(raw: string | null): string {
  if (!raw || raw.length > 64) return 'UTC';
  try {
    return new Intl.DateTimeFormat('en', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

/** A route's failure as its reply: the course refusals as 404, anything else logged and a plain 500. */
export function failureReply(ctx: ServiceCtx, viewer: Viewer, e: unknown, what: string): Response {
  if (isAppError(e) && (e.code === 'ROOM_NOT_FOUND' || e.code === 'NOT_YOUR_COURSE'))
    return plain(404, translate(viewer.m, 'error.ROOM_NOT_FOUND'));
  ctx.log.error({ err: e }, `${what} failed`);
  return plain(500, translate(viewer.m, 'error.generic'));
}
