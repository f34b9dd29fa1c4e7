/**
 * Starts the real request listener (legacy adapter + handler) on a loopback port over a test ctx, and a tiny client
 * that speaks the protocol. Protocol tests use this: real HTTP, real SQLite file, injectable clock.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceCtx } from '../context';
import { createRequestListener } from '../main';
import { createRuntime } from '../runtime';

export interface LegacyTestServer {
  url: string;
  /** POSTs `body` (object → JSON, string → as is) to index.php?svc&cmd and returns status, headers and parsed JSON. */
  raw(
    svc: string | null,
    cmd: string | null,
    body: unknown,
    init?: { method?: string },
  ): Promise<{ status: number; headers: Headers; json: unknown; text: string }>;
  /** Calls a command with appid/timeStamp filled in; returns the parsed reply. */
  call<T = Record<string, unknown>>(
    svcCmd: string,
    body?: Record<string, unknown>,
  ): Promise<{ errorCode: number; errorInfo: string; data?: T }>;
  close(): Promise<void>;
}

export async function startLegacyTestServer(ctx: ServiceCtx): Promise<LegacyTestServer> {
  const server = http.createServer(createRequestListener(createRuntime(ctx), null));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const raw: LegacyTestServer['raw'] = async (svc, cmd, body, init) => {
    const qs = new URLSearchParams();
    if (svc !== null) qs.set('svc', svc);
    if (cmd !== null) qs.set('cmd', cmd);
    const method = init?.method ?? 'POST';
    const res = await fetch(`${url}/index.php?${qs.toString()}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body:
        method === 'GET' || method === 'OPTIONS' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  return {
    url,
    raw,
    async call(svcCmd, body = {}) {
      const [svc, cmd] = svcCmd.split('/') as [string, string];
      const r = await raw(svc, cmd, { appid: ctx.env.SDKAPPID, timeStamp: 123456, ...body });
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
      return r.json as { errorCode: number; errorInfo: string; data?: never };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs `f` against a legacy test server over `ctx` and closes the server afterwards, whether `f` passed or threw. */
export async function withLegacyServer<T>(ctx: ServiceCtx, f: (s: LegacyTestServer) => Promise<T>): Promise<T> {
  const s = await startLegacyTestServer(ctx);
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}
