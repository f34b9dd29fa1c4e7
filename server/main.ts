/**
 * The production HTTP entry. A node:http server answers /index.php through the legacy adapter directly and hands
 * every other request to Next's request handler. Why: Next's per-request pipeline costs ~25× a bare Node reply
 * (measured: ~1 500 vs ~39 000 req/s on 2 cores), and heartbeat, every client every 3 s, is the hottest path.
 * `app/index.php/route.ts` calls the same handler, so no protocol logic exists twice.
 */
import http from 'node:http';
import next from 'next';
import { logProviders, migrateDatabase } from './context';
import { nodeClientAddress, stampClientAddress, trustedProxies } from './http/client-address';
import { startScheduler } from './jobs/scheduler';
import { serveLegacy } from './legacy/node-adapter';
import { hasMalformedPath, limitRequestBody, MAX_REQUEST_BODY_BYTES, replyGuard } from './request-guards';
import { createStorageHandler, STORAGE_PREFIX } from './storage-http/handler';
import { getRuntime, stopRuntimes, type Runtime } from './runtime';
import { loadEnv } from './env';

type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/**
 * Routes /index.php to the legacy adapter, /storage/* to the local object store (streamed from disk, ranged, and
 * signed uploads) and everything else to Next (or 404 without Next).
 */
export function createRequestListener(rt: Runtime, nextHandle: NodeHandler | null): http.RequestListener {
  const { ctx } = rt;
  const limit = ctx.env.LEGACY_MAX_BODY_BYTES;
  const storage = createStorageHandler(ctx);
  const trusted = trustedProxies(ctx.env.TRUSTED_PROXY);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/index.php' || isBareBaseLegacy(req.method, url)) {
      serveLegacy(rt.legacy, req, res, url, limit, nodeClientAddress(req, trusted).ip).catch((e: unknown) => {
        ctx.log.error({ err: e }, 'legacy adapter failed');
        if (!res.headersSent)
          res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
        res.end('{"errorCode":90000,"errorInfo":"internal server error"}');
      });
      return;
    }
    // A path that does not percent-decode would make Next (or the storage route) fail with a bare 500.
    if (hasMalformedPath(req.url ?? '/')) {
      replyGuard(res, 400, 'malformed URL');
      return;
    }
    if (url.pathname.startsWith(STORAGE_PREFIX)) {
      storage(req, res).catch((e: unknown) => {
        ctx.log.error({ err: e, url: req.url }, 'storage route failed');
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>internal error</Message></Error>',
        );
      });
      return;
    }
    if (!nextHandle) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"error":"not found"}');
      return;
    }
    // Per-IP limits and the CSRF origin check need the socket, which Next's handlers do not see: tell them the
    // resolved client address (forwarded headers only from TRUSTED_PROXY), replacing any client-sent copy.
    stampClientAddress(req, nodeClientAddress(req, trusted));
    // Next buffers bodies whole: bound them before it reads (signed uploads above keep UPLOAD_MAX_BYTES).
    if (!limitRequestBody(req, res, MAX_REQUEST_BODY_BYTES)) return;
    nextHandle(req, res).catch((e: unknown) => {
      ctx.log.error({ err: e, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error');
    });
  };
}

/**
 * `POST /?svc=…&cmd=…` (and its CORS preflight) is the legacy protocol too: one 2017 web demo posts to the bare base
 * URL. GET / stays the console's dashboard. next.config.js rewrites the same requests for `next start`.
 */
function isBareBaseLegacy(method: string | undefined, url: URL): boolean {
  return url.pathname === '/' && (method === 'POST' || method === 'OPTIONS') && url.searchParams.has('svc');
}

interface StartOptions {
  dev: boolean;
  /** Serve only the legacy protocol (no Next): used by the bench and protocol tests for a fast start. */
  legacyOnly?: boolean;
  port?: number;
  host?: string;
}

export async function startServer(
  opts: StartOptions,
): Promise<{ server: http.Server; port: number; close(): Promise<void> }> {
  // PostgreSQL is migrated before anything serves it (SQLite migrates as the runtime opens it).
  await migrateDatabase(loadEnv());
  const rt = getRuntime('server');
  const { ctx } = rt;
  const port = opts.port ?? ctx.env.PORT;
  const host = opts.host ?? ctx.env.HOST;
  logProviders(ctx);

  let nextHandle: NodeHandler | null = null;
  if (!opts.legacyOnly) {
    const app = next({ dev: opts.dev, dir: process.cwd(), hostname: host, port });
    await app.prepare();
    nextHandle = app.getRequestHandler();
  }

  const server = http.createServer(createRequestListener(rt, nextHandle));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  const scheduler = startScheduler(ctx);
  ctx.log.info({ port: actualPort, host, dev: opts.dev, legacyOnly: !!opts.legacyOnly }, 'listening');
  return {
    server,
    port: actualPort,
    close: async () => {
      await scheduler?.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      // Buffered heartbeats reach the database before the process ends (both worlds: legacy and Next).
      await stopRuntimes();
    },
  };
}
