/**
 * node:http → legacy handler. Reads the body up to a limit (a larger body is drained and refused with 10002, never
 * buffered), calls the shared handler, writes its reply. Used by the production entry for /index.php.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LegacyHandler } from './handle';

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      if (tooLarge) return;
      size += c.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

/** `ip`: the client address as the entry resolved it (http/client-address.ts), null when unknown. */
export async function serveLegacy(
  handle: LegacyHandler,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  limit: number,
  ip: string | null,
): Promise<void> {
  const body = req.method === 'POST' ? await readBody(req, limit) : '';
  const reply = await handle({
    method: req.method ?? 'GET',
    svc: url.searchParams.get('svc'),
    cmd: url.searchParams.get('cmd'),
    body,
    ip,
    host: req.headers.host,
  });
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}
