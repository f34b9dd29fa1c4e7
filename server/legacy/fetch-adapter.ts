/**
 * Fetch Request → legacy handler → Response: the Next route (`app/index.php/route.ts`) uses this, so `next dev` and
 * hosts without the custom server still serve the protocol through the very same handler.
 */
import { fetchClientAddress } from '../http/client-address';
import { readBoundedBody } from '../request-guards';
import type { LegacyHandler } from './handle';

async function readBody(req: Request, limit: number): Promise<string | null> {
  const bytes = await readBoundedBody(req, limit);
  return bytes === null ? null : Buffer.from(bytes).toString('utf8');
}

/** `trusted`: TRUSTED_PROXY (http/client-address.ts decides which headers tell the client's address). */
export async function serveLegacyFetch(
  handle: LegacyHandler,
  req: Request,
  limit: number,
  trusted: ReadonlySet<string>,
): Promise<Response> {
  const url = new URL(req.url);
  const body = req.method === 'POST' ? await readBody(req, limit).catch(() => null) : '';
  const reply = await handle({
    method: req.method,
    svc: url.searchParams.get('svc'),
    cmd: url.searchParams.get('cmd'),
    body,
    ip: fetchClientAddress(req.headers, req.url, trusted).ip,
    host: req.headers.get('host') ?? url.host,
    protocol: url.protocol,
  });
  return new Response(reply.status === 204 ? null : reply.body, { status: reply.status, headers: reply.headers });
}
