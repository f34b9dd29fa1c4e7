/**
 * Fetch Request → legacy handler → Response: the Next route (`app/index.php/route.ts`) uses this, so `next dev` and
 * hosts without the custom server still serve the protocol through the very same handler.
 */
import type { LegacyHandler } from './handle';

async function readBody(req: Request, limit: number): Promise<string | null> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) return null;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function serveLegacyFetch(handle: LegacyHandler, req: Request, limit: number): Promise<Response> {
  const url = new URL(req.url);
  const body = req.method === 'POST' ? await readBody(req, limit).catch(() => null) : '';
  const reply = await handle({
    method: req.method,
    svc: url.searchParams.get('svc'),
    cmd: url.searchParams.get('cmd'),
    body,
    ip: req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() ?? '',
    host: req.headers.get('host') ?? url.host,
    protocol: url.protocol,
  });
  return new Response(reply.status === 204 ? null : reply.body, { status: reply.status, headers: reply.headers });
}
