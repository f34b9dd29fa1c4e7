/**
 * Test support: the real request listener on a loopback port whose PUBLIC_BASE_URL is that port, so the URLs the
 * storage provider hands out (presigned uploads, public reads) point back at it. Also a tiny legacy `call` client.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CtxOverrides } from '../context';
import { createRequestListener } from '../main';
import { createRuntime } from '../runtime';
import { createTestCtx } from '../testing/test-ctx';

export async function startStorageTestServer(env: Record<string, string> = {}, overrides: CtxOverrides = {}) {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ctx = createTestCtx({ PUBLIC_BASE_URL: url, ...env }, overrides);
  server.on('request', createRequestListener(createRuntime(ctx), null));
  return {
    ctx,
    url,
    server,
    /** Calls a legacy command (appid/timeStamp filled in) and returns the parsed JSON reply. */
    async call<T = Record<string, unknown>>(
      svcCmd: string,
      body: Record<string, unknown> = {},
      raw = false,
    ): Promise<T> {
      const [svc, cmd] = svcCmd.split('/') as [string, string];
      const payload = raw ? body : { appid: ctx.env.SDKAPPID, timeStamp: 123456, ...body };
      const res = await fetch(`${url}/index.php?svc=${svc}&cmd=${cmd}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      return (await res.json()) as T;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
