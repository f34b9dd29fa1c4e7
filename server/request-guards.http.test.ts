/**
 * The node entry's request guards over real HTTP (server/main.ts createRequestListener with a stub in Next's place
 * that buffers bodies whole, as Next does): body bounds, malformed paths, and the bare-base legacy door.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestListener } from './main';
import { createRuntime } from './runtime';
import { createTestCtx } from './testing/test-ctx';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nextConfig = require('../next.config.js') as { headers(): Promise<{ headers: { key: string }[] }[]> };

const MB = 1024 * 1024;

describe('node entry: request guards', () => {
  const ctx = createTestCtx();
  let server: http.Server;
  let port = 0;
  /** What the stub "Next" saw: bodies it buffered (bytes) per request. */
  const seen: { url: string; bytes: number }[] = [];
  const socketReads: number[] = [];
  beforeAll(async () => {
    const stubNext = async (req: http.IncomingMessage, res: http.ServerResponse) => {
      const entry = { url: req.url ?? '', bytes: 0 };
      seen.push(entry);
      const chunks: Buffer[] = [];
      for await (const c of req) {
        chunks.push(c as Buffer);
        entry.bytes += (c as Buffer).length;
      }
      if (!res.headersSent) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(`next got ${Buffer.concat(chunks).length}`);
      }
    };
    server = http.createServer(
      createRequestListener(createRuntime(ctx), (req, res) => stubNext(req, res).catch(() => undefined)),
    );
    // What the server read off each connection's socket, recorded when it closes: the bytes it took in at all.
    server.on('connection', (socket) => socket.once('close', () => socketReads.push(socket.bytesRead)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

  /** A raw request; `body` as a Buffer (Content-Length) or a chunk generator (chunked, no length). */
  function send(
    method: string,
    path: string,
    body?: Buffer | { chunk: Buffer; times: number },
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; ms: number }> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: Buffer.isBuffer(body) ? { 'content-length': body.length } : {},
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(parts).toString(),
              ms: performance.now() - started,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', () => undefined); // the server closes the socket mid-upload on purpose
      if (Buffer.isBuffer(body)) req.end(body);
      else if (body) {
        let i = 0;
        const pump = () => {
          while (i < body.times) {
            i++;
            if (!req.write(body.chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      } else req.end();
    });
  }

  it('a 2 MB body with Content-Length → 413 before Next reads anything', async () => {
    const before = seen.length;
    const r = await send('POST', '/api/trpc/course.create', Buffer.alloc(2 * MB, 'a'));
    expect(r.status).toBe(413);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(seen.length).toBe(before);
  });

  it('a chunked 5 MB body without Content-Length → 413 quickly; Next never holds more than 1 MB; the rest is never read', async () => {
    const reads = socketReads.length;
    const r = await send('POST', '/api/trpc/course.create', { chunk: Buffer.alloc(64 * 1024, 'b'), times: 80 });
    expect(r.status).toBe(413);
    expect(r.ms).toBeLessThan(2000);
    const last = seen.at(-1)!;
    expect(last.url).toBe('/api/trpc/course.create');
    expect(last.bytes).toBeLessThanOrEqual(MB);
    // The connection is closed once the limit is passed: the server read little past 1 MB of the 5 MB sent (the
    // parser's chunks in flight when it closed), so nothing of the rest was ever buffered.
    // (Other tests' keep-alive sockets may close meanwhile: this upload's socket is the one that read over 1 MB.)
    await expect.poll(() => Math.max(0, ...socketReads.slice(reads))).toBeGreaterThan(MB);
    expect(Math.max(...socketReads.slice(reads))).toBeLessThan(2 * MB);
  });

  it('a normal body still reaches Next whole, and the server keeps answering', async () => {
    const body = Buffer.from(JSON.stringify({ title: 'x'.repeat(1000) }));
    const r = await send('POST', '/api/trpc/course.create', body);
    expect(r).toMatchObject({ status: 200, text: `next got ${body.length}` });
    const chunked = await send('POST', '/api/trpc/course.create', { chunk: Buffer.alloc(1000, 'c'), times: 10 });
    expect(chunked).toMatchObject({ status: 200, text: 'next got 10000' });
  });

  it('a malformed percent-encoding in any path → 400 with the security headers of next.config.js, not a 500', async () => {
    const configured = (await nextConfig.headers())[0]!.headers.map((h) => h.key.toLowerCase());
    for (const path of ['/courses/%E0%A4%A', '/storage/%ZZ', '/%', '/api/trpc/%C0']) {
      const r = await send('GET', path);
      expect(r.status, path).toBe(400);
      for (const h of configured) expect(r.headers[h], `${path} ${h}`).toBeTruthy();
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    // A well-formed encoding still goes on.
    expect((await send('GET', '/courses/%E0%A4%A4')).status).toBe(200);
  });

  it('POST /?svc=account&cmd=regist is the legacy protocol; GET / stays the console', async () => {
    const body = Buffer.from(
      JSON.stringify({ appid: ctx.env.SDKAPPID, timeStamp: 1, id: 'bare1', pwd: 'cHdk', role: 0 }),
    );
    const r = await send('POST', '/?svc=account&cmd=regist', body);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ errorCode: 0, errorInfo: '' });
    const again = await send('POST', '/?svc=account&cmd=regist', body);
    expect(JSON.parse(again.text)).toMatchObject({ errorCode: 10004 });
    const pre = await send('OPTIONS', '/?svc=account&cmd=regist');
    expect(pre.status).toBe(204);
    const page = await send('GET', '/');
    expect(page).toMatchObject({ status: 200, text: 'next got 0' });
    expect((await send('GET', '/?svc=account&cmd=regist')).text).toBe('next got 0');
  });
});
