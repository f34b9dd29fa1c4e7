/**
 * GET /api/attendance/matrix.csv?from=<unix s>&to=<unix s>&tz=<IANA zone>: the caller's attendance matrix as a
 * download, with the same checks as the per-course attendance CSV (session cookie, teacher only, only their own
 * courses, which the matrix service guarantees). UTF-8 with BOM, labels in the viewer's language. Reads only.
 */
import type { ServiceCtx } from '../context';
import { translate } from '../i18n/translate';
import { attachmentDisposition, matrixCsv } from '../console/attendance-csv';
import { attendanceMatrix } from '../console/attendance-matrix';
import { failureReply, teacherOfRequest, timeZoneOf } from './door';

/** A unix-seconds query parameter, undefined when absent or not a plain non-negative integer. */
function unixParam(raw: string | null): number | undefined {
  if (raw === null || !/^\d{1,12}$/.test(raw)) return undefined;
  return Number(raw);
}

export async function serveAttendanceMatrixCsv(ctx: ServiceCtx, req: Request): Promise<Response> {
  const who = await teacherOfRequest(ctx, req);
  if ('refused' in who) return who.refused;
  const { locale, m } = who.viewer;
  const q = new URL(req.url).searchParams;
  try {
    const matrix = await attendanceMatrix(ctx, who.teacher, {
      from: unixParam(q.get('from')),
      to: unixParam(q.get('to')),
    });
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
    return failureReply(ctx, who.viewer, e, 'attendance matrix csv');
  }
}
