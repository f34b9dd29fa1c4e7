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
import { applyConnectionLimits } from './http/connection-limits';
import {
  hasMalformedPath,
  limitRequestBody,
  MAX_REQUEST_BODY_BYTES,
  parseRequestTarget,
  replyGuard,
} from './request-guards';
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
  const route: http.RequestListener = (req, res) => {
    // `//`, `/\\x`, `http://host/x`, `*`, an over-long target: answered here, before anything parses them further.
    const target = parseRequestTarget(req.method, req.url);
    if (!target.ok) {
      replyGuard(res, target.status, target.text, false, target.headers);
      return;
    }
    const url = target.url;
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
  // Every request is answered or its connection closed: a synchronous throw in routing must not leave the socket open.
  return (req, res) => {
    try {
      route(req, res);
    } catch (e: unknown) {
      ctx.log.error({ err: e }, 'request routing failed');
      if (res.headersSent) res.destroy();
      else replyGuard(res, 500, 'internal error', true);
    }
  };
}

/**
 * `POST /?svc=…&cmd=…` (and its CORS preflight) is the legacy protocol too: one 2017 web demo posts to the bare base
 * URL. GET / stays the console's dashboard. next.config.js rewrites the same requests for `next start`.
 */
function isBareBaseLegacy(method: string | undefined, url: URL): boolean {
  return url.pathname === '/' && (method === 'POST' || method === 'OPTIONS') && url.searchParams.has('svc');
}

/**
 * The production node:http server: the request listener above, with the socket limits of http/connection-limits.ts
 * (timeouts, connections per client address) from the environment. Exported for the raw-socket tests.
 */
export function createHttpServer(rt: Runtime, nextHandle: NodeHandler | null): http.Server {
  const { env, log } = rt.ctx;
  // Timeouts are checked on this interval (Node's default, 30 s, would let a 20 s headers timeout run to 50 s).
  const server = http.createServer({ connectionsCheckingInterval: 2_000 }, createRequestListener(rt, nextHandle));
  server.keepAliveTimeout = 65_000;
  let lastWarn = 0;
  applyConnectionLimits(server, {
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_S * 1000,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_S * 1000,
    idleTimeoutMs: env.HTTP_IDLE_TIMEOUT_S * 1000,
    maxPerAddress: env.MAX_CONNECTIONS_PER_IP,
    exempt: trustedProxies(env.TRUSTED_PROXY),
    onRefused: (address) => {
      // One line per minute at most: a flood must not become a log flood.
      const now = Date.now();
      if (now - lastWarn < 60_000) return;
      lastWarn = now;
      log.warn({ address, max: env.MAX_CONNECTIONS_PER_IP }, 'connections refused: per-address cap reached');
    },
  });
  return server;
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

  const server = createHttpServer(rt, nextHandle);
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
