/**
 * GET /api/courses/<roomnum>/attendance.csv?tz=<IANA zone>: the attendance of one course as a download. Cookie
 * authenticated (the console session); only the course's teacher gets it, anyone else 404 as if it did not exist.
 * Column names in the viewer's language, times in the viewer's timezone (the page passes the browser's), UTF-8 with
 * BOM. Kept out of app/ so tests call it with plain Requests. Reads only: no CSRF check needed (SameSite=Lax).
 */
import type { ServiceCtx } from '../context';
import { translate } from '../i18n/translate';
import { attachmentDisposition, attendanceCsv } from '../console/attendance-csv';
import { taughtCourse } from '../services/course-access';
import { courseAttendance } from '../services/course-events';
import { failureReply, plain, teacherOfRequest, timeZoneOf } from './door';

export async function serveAttendanceCsv(ctx: ServiceCtx, req: Request, rawRoomnum: string): Promise<Response> {
  const who = await teacherOfRequest(ctx, req);
  if ('refused' in who) return who.refused;
  const { locale, m } = who.viewer;
  if (!/^[1-9]\d{0,15}$/.test(rawRoomnum) || !Number.isSafeInteger(Number(rawRoomnum)))
    return plain(404, translate(m, 'error.ROOM_NOT_FOUND'));
  const roomnum = Number(rawRoomnum);
  try {
    await taughtCourse(ctx, who.teacher, roomnum);
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
    return failureReply(ctx, who.viewer, e, `attendance csv of ${roomnum}`);
  }
}
