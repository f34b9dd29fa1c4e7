// Attendance CSV download (cookie-authenticated): one call into server/console-http/attendance-csv.ts.
import { serveAttendanceCsv } from '@/server/console-http/attendance-csv';
import { getRuntime } from '@/server/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ roomnum: string }> }): Promise<Response> {
  const { roomnum } = await params;
  return serveAttendanceCsv(getRuntime('next').ctx, req, roomnum);
}
