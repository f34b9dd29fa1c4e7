/**
 * GET /api/courses/<roomnum>/attendance.csv?tz=<IANA zone>: the attendance of one course as a download. Cookie
 * authenticated (the console session); only the course's teacher gets it, anyone else 404 as if it did not exist.
 * Column names in the viewer's language, times in the viewer's timezone (the page passes the browser's), UTF-8 with
 * BOM. Kept out of app/ so tests call it with plain Requests. Reads only: no CSRF check needed (SameSite=Lax).
 */
import type { ServiceCtx } from '../context';
import { isAppError } from '../errors';
import { LOCALE_COOKIE } from '../i18n/locales';
import { negotiateLocale } from '../i18n/negotiate';
import { CATALOGS, translate } from '../i18n/translate';
import { attachmentDisposition, attendanceCsv } from '../console/attendance-csv';
import { courseFor } from '../services/course-access';
import { courseAttendance } from '../services/course-events';
import { resolveConsoleSession } from '../console/sessions';
import { readCookie, SESSION_COOKIE } from '../trpc/session-cookie';

export function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
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

export async function serveAttendanceCsv(ctx: ServiceCtx, req: Request, rawRoomnum: string): Promise<Response> {
  const cookie = req.headers.get('cookie');
  const locale = negotiateLocale(readCookie(cookie, LOCALE_COOKIE), req.headers.get('accept-language'));
  const m = CATALOGS[locale];
  const caller = await resolveConsoleSession(ctx, readCookie(cookie, SESSION_COOKIE));
  if (!caller) return plain(401, translate(m, 'error.UNAUTHORIZED'));
  if (!/^[1-9]\d{0,15}$/.test(rawRoomnum) || !Number.isSafeInteger(Number(rawRoomnum)))
    return plain(404, translate(m, 'error.ROOM_NOT_FOUND'));
  const roomnum = Number(rawRoomnum);
  try {
    await courseFor(ctx, caller, roomnum, { need: 'read', door: 'console' });
    const rows = await courseAttendance(ctx, roomnum);
    const timeZone = timeZoneOf(new URL(req.url).searchParams.get('tz'));
    const fmt = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium', timeZone });
    const csv = attendanceCsv(
      rows,
      {
        uid: translate(m, 'attendance.member'),
        role: translate(m, 'roster.role'),
        firstJoin: translate(m, 'attendance.firstJoin'),
        lastLeave: translate(m, 'attendance.lastLeave'),
        minutes: translate(m, 'attendance.minutes'),
        sessions: translate(m, 'attendance.sessions'),
        teacher: translate(m, 'role.teacher'),
        student: translate(m, 'role.student'),
        stillIn: translate(m, 'attendance.stillIn'),
      },
      (s) => fmt.format(new Date(s * 1000)),
    );
    return new Response(csv, {
      status: 200,
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': attachmentDisposition(`${translate(m, 'attendance.fileName')}-${roomnum}.csv`),
        'Cache-Control': 'private, no-store',
      },
    });
  } catch (e) {
    if (isAppError(e) && e.code === 'ROOM_NOT_FOUND') return plain(404, translate(m, 'error.ROOM_NOT_FOUND'));
    if (isAppError(e) && e.code === 'NO_PRIVILEGE') return plain(403, translate(m, 'error.FORBIDDEN'));
    ctx.log.error({ err: e, roomnum }, 'attendance csv failed');
    return plain(500, translate(m, 'error.generic'));
  }
}
