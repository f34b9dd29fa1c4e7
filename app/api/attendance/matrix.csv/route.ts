// Attendance matrix CSV download (cookie-authenticated): one call into server/console-http/attendance-matrix-csv.ts.
import { serveAttendanceMatrixCsv } from '@/server/console-http/attendance-matrix-csv';
import { getRuntime } from '@/server/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(req: Request): Promise<Response> {
  return serveAttendanceMatrixCsv(getRuntime('next').ctx, req);
}
