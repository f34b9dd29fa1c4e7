/**
 * One suite, both storage providers: local (files served by this app's /storage/ route) and tencent
 * (cos-nodejs-sdk-v5 against the loopback fake COS, which verifies every v5 signature). Presigned uploads are
 * performed over real HTTP exactly as a browser would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../errors';
import { startStorageTestServer } from '../../storage-http/testing';
import { startFakeCosServer, type FakeCosServer } from '../../testing/fake-cos-server';
import type { StorageProvider } from './types';

const SECRET_ID = 'AKIDTESTCOS';
const SECRET_KEY = 'test-cos-secret-key';

interface Harness {
  storage: StorageProvider;
  close(): Promise<void>;
  fake?: FakeCosServer;
}

const providers: [string, () => Promise<Harness>][] = [
  [
    'local',
    async () => {
      const s = await startStorageTestServer();
      return { storage: s.ctx.storage, close: s.close };
    },
  ],
  [
    'tencent',
    async () => {
      const fake = await startFakeCosServer({ secretId: SECRET_ID, secretKey: SECRET_KEY });
      const s = await startStorageTestServer({
        STORAGE_PROVIDER: 'tencent',
        TENCENT_SECRET_ID: SECRET_ID,
        TENCENT_SECRET_KEY: SECRET_KEY,
        COS_BUCKET: 'edu-1250000000',
        COS_REGION: 'ap-guangzhou',
        COS_ENDPOINT: fake.endpoint,
      });
      return { storage: s.ctx.storage, fake, close: async () => (await s.close(), await fake.close()) };
    },
  ],
];

describe.each(providers)('storage contract: %s', (name, start) => {
  let h: Harness;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(() => h.close());

  it('names itself', () => {
    expect(h.storage.name).toBe(name);
  });

  it('putObject → stat → public read', async () => {
    const body = Buffer.from(JSON.stringify({ hello: '世界' }));
    await h.storage.putObject('playback/10001/0123456789abcdef0123456789abcdef/index.json', body, {
      contentType: 'application/json',
    });
    expect(await h.storage.stat('playback/10001/0123456789abcdef0123456789abcdef/index.json')).toEqual({
      size: body.length,
      contentType: 'application/json',
    });
    const url = h.storage.publicUrl('playback/10001/0123456789abcdef0123456789abcdef/index.json');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(body);
  });

  it('stat of a missing object is null', async () => {
    expect(await h.storage.stat('nope/missing.pdf')).toBeNull();
  });

  it('a presigned PUT uploads with the signed Content-Type, and refuses another one', async () => {
    const key = 'courseware/teacher1/数学 第1课.pdf';
    const p = h.storage.presignPut(key, { contentType: 'application/pdf', expiresS: 600 });
    expect(p.method).toBe('PUT');
    expect(p.headers).toEqual({ 'Content-Type': 'application/pdf' });
    const body = Buffer.alloc(3000, 7);
    const bad = await fetch(p.url, { method: 'PUT', headers: { 'Content-Type': 'text/html' }, body });
    expect(bad.status).toBe(403);
    expect(await h.storage.stat(key)).toBeNull();
    const res = await fetch(p.url, { method: 'PUT', headers: p.headers, body });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await h.storage.stat(key)).toEqual({ size: 3000, contentType: 'application/pdf' });
    const got = await fetch(h.storage.publicUrl(key));
    expect(Buffer.from(await got.arrayBuffer())).toEqual(body);
  });

  it('a presigned URL is bound to its key', async () => {
    const p = h.storage.presignPut('a/one.png', { expiresS: 600 });
    const other = p.url.replace('/a/one.png', '/a/two.png');
    expect((await fetch(other, { method: 'PUT', body: 'x' })).status).toBe(403);
    expect(await h.storage.stat('a/two.png')).toBeNull();
  });

  it('refuses unsafe keys and bad expiries with BAD_INPUT', async () => {
    const calls: (() => unknown)[] = [
      () => h.storage.presignPut('../x', { expiresS: 60 }),
      () => h.storage.presignPut('a/ok', { expiresS: 0 }),
      () => h.storage.presignPut('a/ok', { expiresS: 1e9 }),
      () => h.storage.publicUrl('/etc/passwd'),
      () => h.storage.putObject('%2e%2e/x', Buffer.from('x'), { contentType: 'text/plain' }),
      () => h.storage.stat('a\u0000b'),
    ];
    for (const c of calls) {
      const e = await Promise.resolve()
        .then(c)
        .then(
          () => null,
          (x: unknown) => x,
        );
      expect(isAppError(e) && e.code).toBe('BAD_INPUT');
    }
  });

  if (name === 'tencent') {
    it('the fake COS verified host-with-port header signatures and presigned queries', () => {
      const puts = h.fake!.requests.filter((r) => r.method === 'PUT');
      expect(puts.some((r) => r.auth === 'header' && r.status === 200)).toBe(true);
      expect(puts.some((r) => r.auth === 'query' && r.status === 200)).toBe(true);
      expect(puts.every((r) => r.host === h.fake!.host)).toBe(true);
      expect(h.fake!.requests.some((r) => r.status === 403 && r.errorCode === 'SignatureDoesNotMatch')).toBe(true);
    });

    it('putObject surfaces a COS refusal (wrong key) as an error', async () => {
      const { createCosStorage } = await import('./cos');
      const wrong = createCosStorage({
        secretId: SECRET_ID,
        secretKey: 'wrong',
        bucket: 'edu-1250000000',
        region: 'ap-guangzhou',
        endpoint: h.fake!.endpoint,
      });
      await expect(wrong.putObject('x/y.json', Buffer.from('{}'), { contentType: 'application/json' })).rejects.toThrow(
        /SignatureDoesNotMatch|403/,
      );
    });
  }
});
