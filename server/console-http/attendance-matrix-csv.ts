/**
 * GET /api/attendance/matrix.csv?from=<unix s>&to=<unix s>&tz=<IANA zone>: the caller's attendance matrix as a
 * download, with the same checks as the per-course attendance CSV (session cookie, teacher only, only their own
 * courses, which the matrix service guarantees). UTF-8 with BOM, labels in the viewer's language. Reads only.
 */
import type { ServiceCtx } from '../context';
import { isAppError } from '../errors';
import { LOCALE_COOKIE } from '../i18n/locales';
import { negotiateLocale } from '../i18n/negotiate';
import { CATALOGS, translate } from '../i18n/translate';
import { attachmentDisposition, matrixCsv } from '../console/attendance-csv';
import { attendanceMatrix } from '../console/attendance-matrix';
import { ROLE } from '../services/course-state';
import { resolveConsoleSession } from '../console/sessions';
import { readCookie, SESSION_COOKIE } from '../trpc/session-cookie';
import { plain, timeZoneOf } from './attendance-csv';

/** A unix-seconds query parameter, undefined when absent or not a plain non-negative integer. */
function unixParam(raw: string | null): number | undefined {
  if (raw === null || !/^\d{1,12}$/.test(raw)) return undefined;
  return Number(raw);
}

export async function serveAttendanceMatrixCsv(ctx: ServiceCtx, req: Request): Promise<Response> {
  const cookie = req.headers.get('cookie');
  const locale = negotiateLocale(readCookie(cookie, LOCALE_COOKIE), req.headers.get('accept-language'));
  const m = CATALOGS[locale];
  const caller = await resolveConsoleSession(ctx, readCookie(cookie, SESSION_COOKIE));
  if (!caller) return plain(401, translate(m, 'error.UNAUTHORIZED'));
  if (caller.role !== ROLE.TEACHER) return plain(403, translate(m, 'error.FORBIDDEN'));
  const q = new URL(req.url).searchParams;
  try {
    const matrix = await attendanceMatrix(ctx, caller, { from: unixParam(q.get('from')), to: unixParam(q.get('to')) });
    const fmt = new Intl.DateTimeFormat(locale, {
      dateStyle: 'short',
      timeStyle: 'short',
      timeZone: timeZoneOf(q.get('tz')),
    });
    const csv = matrixCsv(
      matrix,
      {
        student: translate(m, 'classList.student'),
        status: {
          present: translate(m, 'matrix.present'),
          late: translate(m, 'matrix.late'),
          left_early: translate(m, 'matrix.left_early'),
          absent: translate(m, 'matrix.absent'),
        },
      },
      (s) => fmt.format(new Date(s * 1000)),
    );
    return new Response(csv, {
      status: 200,
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': attachmentDisposition(`${translate(m, 'matrix.fileName')}.csv`),
        'Cache-Control': 'private, no-store',
      },
    });
  } catch (e) {
    if (isAppError(e) && e.code === 'NO_PRIVILEGE') return plain(403, translate(m, 'error.FORBIDDEN'));
    ctx.log.error({ err: e }, 'attendance matrix csv failed');
    return plain(500, translate(m, 'error.generic'));
  }
}
