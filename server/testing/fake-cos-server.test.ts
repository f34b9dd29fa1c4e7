/** The fake COS checks what COS checks: a signature for another host (even the same IP without the port) fails. */
import COS from 'cos-nodejs-sdk-v5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCosServer, type FakeCosServer } from './fake-cos-server';

describe('fake COS', () => {
  let fake: FakeCosServer;
  const now = () => Math.floor(Date.now() / 1000);
  const auth = (host: string, key = 'k/v1.mp4', secretKey = 'SK', method = 'PUT') =>
    COS.getAuthorization({
      SecretId: 'ID',
      SecretKey: secretKey,
      Method: method as 'PUT',
      Key: key,
      Headers: { Host: host },
      KeyTime: `${now() - 1};${now() + 60}`,
    });
  beforeAll(async () => {
    fake = await startFakeCosServer({ secretId: 'ID', secretKey: 'SK' });
  });
  afterAll(() => fake.close());

  const put = (authorization: string | undefined, path = '/k/v1.mp4') =>
    fetch(`${fake.endpoint}${path}`, {
      method: 'PUT',
      headers: authorization ? { Authorization: authorization } : {},
      body: 'data',
    });

  it('accepts a signature over the Host as received, port included', async () => {
    const r = await put(auth(fake.host));
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe('"8d777f385d3dfec8815d20f7496026dc"');
    expect(r.headers.get('x-cos-request-id')).toBeTruthy();
    expect(fake.objects.get('k/v1.mp4')?.body.toString()).toBe('data');
  });

  it('refuses a host without the port, another key, another secret, another method, or none', async () => {
    for (const [a, code] of [
      [auth('127.0.0.1'), 'SignatureDoesNotMatch'],
      [auth(fake.host, 'k/other.mp4'), 'SignatureDoesNotMatch'],
      [auth(fake.host, 'k/v1.mp4', 'WRONG'), 'SignatureDoesNotMatch'],
      [auth(fake.host, 'k/v1.mp4', 'SK', 'GET'), 'SignatureDoesNotMatch'],
      [undefined, 'AccessDenied'],
    ] as const) {
      const r = await put(a);
      expect(r.status).toBe(403);
      expect(await r.text()).toContain(`<Code>${code}</Code>`);
    }
  });

  it('GET is public-read; a missing key is NoSuchKey', async () => {
    expect(await (await fetch(`${fake.endpoint}/k/v1.mp4`)).text()).toBe('data');
    const r = await fetch(`${fake.endpoint}/k/none`);
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('NoSuchKey');
  });
});
