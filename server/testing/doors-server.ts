/**
 * Both doors over real HTTP through the production request listener (server/main.ts): the legacy protocol at
 * /index.php, and the console's tRPC route in place of Next (a node→fetch bridge into the same handleTrpcRequest the
 * Next route calls). So tests see what main.ts does to a request before Next: the client address it resolves and
 * stamps (http/client-address.ts), which the login limits and the CSRF check use.
 */
import http from 'node:http';
import { afterEach } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { ServiceCtx } from '../context';
import { createRequestListener } from '../main';
import { createRuntime } from '../runtime';
import { handleTrpcRequest } from '../trpc/http';
import { createTestCtx } from './test-ctx';

/** Hands a node request to the tRPC fetch handler, as Next's route would. */
async function trpcBridge(ctx: ServiceCtx, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks);
  const r = await handleTrpcRequest(
    ctx,
    new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method, headers, body }),
  );
  const cookies = r.headers.getSetCookie();
  if (cookies.length) res.setHeader('set-cookie', cookies);
  res.writeHead(r.status, Object.fromEntries([...r.headers].filter(([k]) => k !== 'set-cookie')));
  res.end(Buffer.from(await r.arrayBuffer()));
}

interface TrpcReply {
  status: number;
  headers: Headers;
  body: {
    result?: { data: unknown };
    error?: {
      message: string;
      data: { code: string; appCode: string | null; retryAfterS: number | null; zodError: unknown };
    };
  };
}

type LegacyEnvelope = { errorCode: number; errorInfo: string; data?: unknown };

export interface DoorsTestServer {
  url: string;
  /** A legacy command (appid/timeStamp filled in) with extra request headers; the parsed envelope. */
  legacy(svcCmd: string, body: Record<string, unknown>, headers?: Record<string, string>): Promise<LegacyEnvelope>;
  /** A legacy command with the body sent exactly as `text` (nothing filled in); the parsed envelope. */
  legacyText(svcCmd: string, text: string, headers?: Record<string, string>): Promise<LegacyEnvelope>;
  /** A console mutation as a same-origin browser would send it (CSRF header, Origin = this server); `headers` override. */
  mutate(path: string, input: unknown, headers?: Record<string, string>): Promise<TrpcReply>;
  /** The same with the input sent exactly as `text`. */
  mutateText(path: string, text: string, headers?: Record<string, string>): Promise<TrpcReply>;
  close(): Promise<void>;
}

export async function startDoorsTestServer(ctx: ServiceCtx): Promise<DoorsTestServer> {
  const server = http.createServer(createRequestListener(createRuntime(ctx), (req, res) => trpcBridge(ctx, req, res)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  async function legacyText(
    svcCmd: string,
    text: string,
    headers: Record<string, string> = {},
  ): Promise<LegacyEnvelope> {
    const [svc, cmd] = svcCmd.split('/') as [string, string];
    const res = await fetch(`${url}/index.php?svc=${svc}&cmd=${cmd}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: text,
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as LegacyEnvelope;
  }
  async function mutateText(path: string, text: string, headers: Record<string, string> = {}): Promise<TrpcReply> {
    const res = await fetch(`${url}/api/trpc/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-console-csrf': '1',
        origin: url,
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
      body: text,
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as TrpcReply['body'] };
  }
  return {
    url,
    legacyText,
    mutateText,
    legacy(svcCmd, body, headers = {}) {
      return legacyText(svcCmd, JSON.stringify({ appid: ctx.env.SDKAPPID, timeStamp: 1, ...body }), headers);
    },
    mutate(path, input, headers = {}) {
      return mutateText(path, JSON.stringify(input), headers);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a test file: `start(env)` gives a fresh test ctx (createTestCtx(env)) with a doors server on it; every server
 * started in a test is closed after that test.
 */
export function doorsServersPerTest(): (
  env?: Record<string, string>,
) => Promise<{ ctx: ReturnType<typeof createTestCtx>; s: DoorsTestServer }> {
  let servers: DoorsTestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  return async (env = {}) => {
    const ctx = createTestCtx(env);
    const s = await startDoorsTestServer(ctx);
    servers.push(s);
    return { ctx, s };
  };
}
