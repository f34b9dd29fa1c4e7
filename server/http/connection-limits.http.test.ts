/**
 * The production server's socket behaviour over raw TCP (server/main.ts createHttpServer): odd request targets are
 * each answered, silent and slow connections are closed on time, and one address cannot hold more than
 * MAX_CONNECTIONS_PER_IP sockets (proxies in TRUSTED_PROXY excepted).
 */
import type http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../main';
import { createRuntime } from '../runtime';
import { createTestCtx } from '../testing/test-ctx';
import { addressKey } from './connection-limits';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0))
    await new Promise<void>((r) => {
      s.closeAllConnections();
      s.close(() => r());
    });
});

async function start(env: Record<string, string> = {}): Promise<number> {
  const server = createHttpServer(createRuntime(createTestCtx(env)), null);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

interface RawResult {
  /** The reply's status line ('' when none came). */
  status: string;
  /** Whether the server closed the connection within the wait. */
  closed: boolean;
  ms: number;
}

/** Writes `bytes` on a fresh connection; resolves on the first reply's status line or on close, or after `waitMs`. */
function raw(port: number, bytes: string, waitMs = 3000): Promise<RawResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ status: got.split('\r\n')[0] ?? '', closed, ms: performance.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) finish(false);
    });
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
    if (bytes) sock.write(bytes);
  });
}

const request = (target: string, method = 'GET') => `${method} ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`;

describe('node entry over raw sockets', () => {
  it('every odd request target is answered at once (400, 414, 431; OPTIONS * → 204), never left hanging', async () => {
    const port = await start();
    const cases: [string, string, string][] = [
      ['GET', '//', '400'],
      ['GET', '/\\', '400'],
      ['POST', '//index.php?svc=account&cmd=login', '400'],
      ['GET', '//evil.example/x', '400'],
      ['GET', '/\\evil.example/', '400'],
      ['GET', 'http://evil.example/index.php', '400'],
      ['GET', 'http://localhost/', '400'],
      ['GET', '*', '400'],
      ['OPTIONS', '*', '204'],
      ['GET', `/${'a'.repeat(10_000)}`, '414'],
      ['GET', `/${'a'.repeat(20_000)}`, '431'],
    ];
    for (const [method, target, code] of cases) {
      const r = await raw(port, request(target, method));
      expect(r.status, `${method} ${target.slice(0, 40)}`).toMatch(new RegExp(`^HTTP/1\\.1 ${code} `));
      expect(r.ms).toBeLessThan(2000);
    }
    // The server still serves ordinary requests (no Next here: 404) and the legacy door.
    expect((await raw(port, request('/courses'))).status).toMatch(/^HTTP\/1\.1 404 /);
    expect((await raw(port, request('/index.php?svc=x&cmd=y', 'OPTIONS'))).status).toMatch(/^HTTP\/1\.1 204 /);
  });

  it('a connection that sends nothing, or never finishes its headers, is closed after HTTP_HEADERS_TIMEOUT_S', async () => {
    const port = await start({ HTTP_HEADERS_TIMEOUT_S: '1' });
    const [silent, slow] = await Promise.all([
      raw(port, '', 6000),
      raw(port, 'GET / HTTP/1.1\r\nHost: localhost\r\n', 6000),
    ]);
    expect(silent.closed).toBe(true);
    expect(silent.ms).toBeGreaterThan(800);
    expect(silent.ms).toBeLessThan(3000);
    // Node answers a late header block 408 and closes; the check runs every 2 s.
    expect(slow.closed || slow.status.startsWith('HTTP/1.1 408')).toBe(true);
    expect(slow.ms).toBeLessThan(4500);
  });

  it('one address holds at most MAX_CONNECTIONS_PER_IP sockets; a freed slot is usable again', async () => {
    const port = await start({ MAX_CONNECTIONS_PER_IP: '5' });
    const held: net.Socket[] = [];
    for (let i = 0; i < 5; i++) {
      const s = net.connect(port, '127.0.0.1');
      await new Promise<void>((r) => s.once('connect', () => r()));
      s.write('GET / HTTP/1.1\r\n'); // started, unfinished: holds the slot
      held.push(s);
    }
    const refused = await raw(port, request('/courses'));
    expect(refused).toMatchObject({ closed: true, status: '' });
    held.pop()!.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await raw(port, request('/courses'))).status).toMatch(/^HTTP\/1\.1 404 /);
    for (const s of held) s.destroy();
  });

  it('a trusted proxy is never capped (every client behind it shares its address)', async () => {
    const port = await start({ MAX_CONNECTIONS_PER_IP: '2', TRUSTED_PROXY: '127.0.0.1' });
    const held: net.Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const s = net.connect(port, '127.0.0.1');
      await new Promise<void>((r) => s.once('connect', () => r()));
      held.push(s);
    }
    expect((await raw(port, request('/courses'))).status).toMatch(/^HTTP\/1\.1 404 /);
    for (const s of held) s.destroy();
  });

  it('counts IPv4 per address and IPv6 per /64', () => {
    expect(addressKey('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(addressKey('2001:db8:0:12::1')).toBe('2001:db8:0:12::/64');
    expect(addressKey('2001:0db8:0000:0012:ffff:1:2:3')).toBe('2001:db8:0:12::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::')).toBe('fe80:0:0:0::/64');
  });
});
