/**
 * Attendance as CSV for download: UTF-8 with a BOM (so Excel opens Chinese names correctly), CRLF lines, RFC 4180
 * quoting, and cells that a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with a quote.
 * Pure: the headers (already translated) and rows come in, the bytes go out. Caller: the attendance CSV route.
 */
import type { AttendanceMatrix, AttendanceStatus } from './attendance-matrix';
import type { AttendanceRow } from '../services/course-events';
import { isTeacher } from '../services/course-state';

export const CSV_BOM = '\uFEFF';

interface AttendanceCsvLabels {
  uid: string;
  role: string;
  firstJoin: string;
  lastLeave: string;
  minutes: string;
  sessions: string;
  teacher: string;
  student: string;
  stillIn: string;
}

function cell(v: string | number): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function attendanceCsv(
  rows: AttendanceRow[],
  labels: AttendanceCsvLabels,
  formatTime: (unixS: number) => string,
): string {
  const lines = [[labels.uid, labels.role, labels.firstJoin, labels.lastLeave, labels.minutes, labels.sessions]];
  for (const r of rows) {
    lines.push([
      r.uid,
      isTeacher(r) ? labels.teacher : labels.student,
      formatTime(r.firstJoin),
      r.lastLeave > 0 ? formatTime(r.lastLeave) : labels.stillIn,
      (Math.round((r.secondsPresent / 60) * 10) / 10).toFixed(1),
      String(r.sessions),
    ]);
  }
  return CSV_BOM + lines.map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n';
}

/**
 * The attendance matrix as CSV: a header row of courses (title, room number, begin time), then one row per student with
 * each cell's status word (translated) and minutes present, e.g. `late (42.0)`.
 */
export function matrixCsv(
  m: AttendanceMatrix,
  labels: { student: string; status: Record<AttendanceStatus, string> },
  formatTime: (unixS: number) => string,
): string {
  const lines: string[][] = [
    [labels.student, ...m.courses.map((c) => `${c.title} #${c.roomnum} ${formatTime(c.beginTime)}`)],
  ];
  for (const r of m.rows) {
    lines.push([
      r.uid,
      ...r.cells.map(
        (c) => `${labels.status[c.status]} (${(Math.round((c.secondsPresent / 60) * 10) / 10).toFixed(1)})`,
      ),
    ]);
  }
  return CSV_BOM + lines.map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** `Content-Disposition` for a download: an ASCII fallback name plus the UTF-8 one (RFC 6266 / 5987). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
