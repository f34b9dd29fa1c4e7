/**
 * The client-address rule: forwarded headers count only from a TRUSTED_PROXY peer; the custom server's stamp is
 * believed by Next's handlers only when the custom server is the entry, and it replaces anything a client sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRequestListener } from '../main';
import { createRuntime } from '../runtime';
import { createTestCtx } from '../testing/test-ctx';
import {
  fetchClientAddress,
  normalizeAddress,
  resolveClientAddress,
  STAMP_IP_HEADER,
  STAMP_ORIGIN_HEADER,
  trustedProxies,
} from './client-address';

const conn = { scheme: 'http', fallbackHost: 'localhost' };
const headers = (h: Record<string, string>) => (name: string) => h[name];
const forwarded = {
  host: 'internal:3000',
  'x-forwarded-for': '6.6.6.6, 203.0.113.5',
  'x-forwarded-host': 'Class.Example',
  'x-forwarded-proto': 'https',
};

describe('resolveClientAddress', () => {
  it('ignores forwarded headers from a peer that is not a trusted proxy', () => {
    expect(resolveClientAddress('198.51.100.7', headers(forwarded), trustedProxies([]), conn)).toEqual({
      ip: '198.51.100.7',
      origin: 'http://internal:3000',
    });
    expect(resolveClientAddress('198.51.100.7', headers(forwarded), trustedProxies(['10.0.0.1']), conn)).toEqual({
      ip: '198.51.100.7',
      origin: 'http://internal:3000',
    });
  });

  it('from a trusted proxy: the rightmost untrusted hop, the forwarded host and scheme', () => {
    expect(resolveClientAddress('::ffff:10.0.0.1', headers(forwarded), trustedProxies(['10.0.0.1']), conn)).toEqual({
      ip: '203.0.113.5',
      origin: 'https://class.example',
    });
    // Two proxies in a row: both are skipped.
    const chain = { ...forwarded, 'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.0.0.2' };
    expect(resolveClientAddress('10.0.0.1', headers(chain), trustedProxies(['10.0.0.1', '10.0.0.2']), conn).ip).toBe(
      '203.0.113.5',
    );
    // A proxy that forwarded nothing: the peer itself, and the Host header.
    expect(resolveClientAddress('10.0.0.1', headers({ host: 'a.test' }), trustedProxies(['10.0.0.1']), conn)).toEqual({
      ip: '10.0.0.1',
      origin: 'http://a.test',
    });
  });

  it('without a visible peer (plain next start): forwarded headers only when TRUSTED_PROXY is set, else ip unknown', () => {
    expect(resolveClientAddress(null, headers(forwarded), trustedProxies([]), conn)).toEqual({
      ip: null,
      origin: 'http://internal:3000',
    });
    expect(resolveClientAddress(null, headers(forwarded), trustedProxies(['10.0.0.1']), conn)).toEqual({
      ip: '203.0.113.5',
      origin: 'https://class.example',
    });
  });

  it('normalizes IPv4-mapped and bracketed addresses', () => {
    expect(normalizeAddress('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('[::1]')).toBe('::1');
    expect(normalizeAddress(' 2001:db8::1 ')).toBe('2001:db8::1');
  });
});

describe('the custom server stamps the address for Next', () => {
  it('replaces client-sent stamp headers with the socket address, and Next handlers then believe the stamp', async () => {
    const clientStamped = new Headers({
      host: 'x.test',
      [STAMP_IP_HEADER]: '6.6.6.6',
      [STAMP_ORIGIN_HEADER]: 'https://evil.test',
    });
    // Before any custom server ran in this process, a stamp is a client's words: ignored.
    expect(fetchClientAddress(clientStamped, 'http://x.test/api/trpc/a', trustedProxies([]))).toEqual({
      ip: null,
      origin: 'http://x.test',
    });

    const ctx = createTestCtx();
    let seen: Headers | undefined;
    const server = http.createServer(
      createRequestListener(createRuntime(ctx), async (req, res) => {
        seen = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]));
        res.end('ok');
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      await (
        await fetch(`http://127.0.0.1:${port}/login`, {
          headers: {
            [STAMP_IP_HEADER]: '203.0.113.66',
            [STAMP_ORIGIN_HEADER]: 'https://evil.test',
            'x-forwarded-for': '1.2.3.4',
            'x-forwarded-host': 'evil.test',
          },
        })
      ).text();
      expect(seen!.get(STAMP_IP_HEADER)).toBe('127.0.0.1');
      expect(seen!.get(STAMP_ORIGIN_HEADER)).toBe(`http://127.0.0.1:${port}`);
      expect(fetchClientAddress(seen!, `http://127.0.0.1:${port}/login`, trustedProxies([]))).toEqual({
        ip: '127.0.0.1',
        origin: `http://127.0.0.1:${port}`,
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
