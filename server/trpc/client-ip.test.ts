import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRequestListener } from '../main';
import { createRuntime } from '../runtime';
import { createTestCtx } from '../testing/test-ctx';
import { clientIp } from './init';

describe('client address for the login rate limit', () => {
  it('prefers the peer address the production entry sets, then the nearest forwarded hop', () => {
    expect(clientIp(new Headers({ 'x-edu-peer-ip': '10.0.0.9', 'x-forwarded-for': '1.1.1.1' }))).toBe('10.0.0.9');
    expect(clientIp(new Headers({ 'x-forwarded-for': '1.1.1.1, 10.0.0.8' }))).toBe('10.0.0.8');
    expect(clientIp(new Headers())).toBe('unknown');
  });

  it('the production listener overwrites a client-sent x-edu-peer-ip with the socket address', async () => {
    const ctx = createTestCtx();
    let seen: string | string[] | undefined;
    const server = http.createServer(
      createRequestListener(createRuntime(ctx), async (req, res) => {
        seen = req.headers['x-edu-peer-ip'];
        res.end('ok');
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      await (await fetch(`http://127.0.0.1:${port}/login`, { headers: { 'x-edu-peer-ip': '203.0.113.66' } })).text();
      expect(seen).toBe('127.0.0.1');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
