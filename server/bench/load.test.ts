/**
 * runLoadSpread against two loopback servers: the load reaches both, each gets its own share of the bodies, the
 * connections are split so the total stays as asked, and the merged result adds the requests up.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadSpread } from './load';

describe('runLoadSpread', () => {
  const seen: { bodies: Set<string>; requests: number; sockets: Set<string> }[] = [];
  const servers: http.Server[] = [];
  const urls: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const mine = { bodies: new Set<string>(), requests: 0, sockets: new Set<string>() };
      seen.push(mine);
      const s = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          mine.bodies.add(body);
          mine.requests += 1;
          mine.sockets.add(`${req.socket.remotePort}`);
          res.end('{"errorCode":0,"errorInfo":""}');
        });
      });
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      servers.push(s);
      urls.push(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    }
  });
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('spreads one load over every instance, bodies split, connections shared, requests summed', async () => {
    const bodies = Array.from({ length: 10 }, (_, i) => `{"n":${i}}`);
    const r = await runLoadSpread({
      name: 'spread',
      url: urls[0]!,
      urls,
      path: '/index.php',
      bodies,
      ok: (b) => b.startsWith('{"errorCode":0'),
      connections: 4,
      durationS: 1,
    });
    expect(seen.map((s) => s.requests).every((n) => n > 0)).toBe(true);
    // Answered requests add up; at most one per connection was still in flight when the load stopped.
    const served = seen[0]!.requests + seen[1]!.requests;
    expect(r.total).toBeLessThanOrEqual(served);
    expect(served - r.total).toBeLessThanOrEqual(4);
    expect(r.badReplies + r.errors + r.non2xx).toBe(0);
    expect([...seen[0]!.bodies].sort()).toEqual(bodies.filter((_, i) => i % 2 === 0).sort());
    expect([...seen[1]!.bodies].sort()).toEqual(bodies.filter((_, i) => i % 2 === 1).sort());
    expect(seen.map((s) => s.sockets.size)).toEqual([2, 2]);
  });
});
