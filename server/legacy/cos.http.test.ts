/**
 * cos/get_sign over real HTTP: the v4 multi/once signatures checked by decoding and re-computing the HMAC with
 * node:crypto, the v5 authorization recomputed by hand, and the upload URL actually used — against this server's
 * /storage/ route in local mode and against the fake COS in tencent mode. Bad types, paths and buckets → 10003.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CosSignReply } from '../services/signing/cos';
import { startFakeCosServer, type FakeCosServer } from '../testing/fake-cos-server';
import { createCourse, signUp } from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer, withLegacyServer } from '../testing/legacy-server';
import { createTestCtx, T0 } from '../testing/test-ctx';

const KEYS = { TENCENT_SECRET_ID: 'AKIDEXAMPLE', TENCENT_SECRET_KEY: 'EXAMPLEKEY', TENCENT_APPID: '1250000000' };

/** Decodes a v4 sign, checks HMAC-SHA1(key, bytes after 20) == first 20 bytes, returns the embedded fields. */
function openV4(sign: string, key: string): Record<string, string> {
  const raw = Buffer.from(sign, 'base64');
  expect(createHmac('sha1', key).update(raw.subarray(20)).digest().equals(raw.subarray(0, 20))).toBe(true);
  const text = raw.subarray(20).toString('utf8');
  // Split by hand: `f` may hold characters URLSearchParams would decode.
  return Object.fromEntries(text.split('&').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

const enc = (x: string) =>
  encodeURIComponent(x).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** COS v5 PUT authorization with only Host signed, computed by hand (tencent-protocols.md §3a). */
function expectedV5(secretId: string, key: string, keyTime: string, pathname: string, host: string): string {
  const signKey = createHmac('sha1', key).update(keyTime).digest('hex');
  const httpString = `put\n${pathname}\n\nhost=${enc(host)}\n`;
  const sts = `sha1\n${keyTime}\n${createHash('sha1').update(httpString).digest('hex')}\n`;
  const sig = createHmac('sha1', signKey).update(sts).digest('hex');
  return `q-sign-algorithm=sha1&q-ak=${secretId}&q-sign-time=${keyTime}&q-key-time=${keyTime}&q-header-list=host&q-url-param-list=&q-signature=${sig}`;
}

/** A raw PUT with an explicit Host header (fetch cannot set Host). */
function put(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'PUT', headers: { 'content-length': String(body.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('cos/get_sign, local storage', () => {
  const ctx = createTestCtx({
    ...KEYS,
    COS_BUCKET: 'edu-1250000000',
    COS_REGION: 'ap-guangzhou',
    PUBLIC_BASE_URL: 'http://edu.test:8080',
  });
  let s: LegacyTestServer;
  let token: string;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    token = await signUp(s, 'teacher1', 1);
  });
  afterAll(() => s.close());
  const sign = (body: Record<string, unknown>) => s.call<CosSignReply>('cos/get_sign', { token, ...body });

  it('type 0 without a file_path → 10101: a v4 signature without `f` would read and write the whole bucket', async () => {
    const r = await sign({ type: 0 });
    expect(r).toEqual({ errorCode: 10101, errorInfo: expect.stringContaining('file_path') });
  });

  it('type 0 with a file: reusable v4 sign over the short bucket name, expiring after at most an hour', async () => {
    const r = await sign({ type: 0, file_path: '/users/teacher1/a.pdf' });
    expect(r.errorCode).toBe(0);
    expect(r.data).toMatchObject({ bucket: 'edu', region: 'ap-guangzhou', preview_tag: 'preview' });
    const f = openV4(r.data!.sign, 'EXAMPLEKEY');
    expect(Object.keys(f)).toEqual(['a', 'b', 'k', 'e', 't', 'r', 'f']);
    // COS_SIG_EXPIRE_S is 30 days by default: a write credential is capped at 3600 s.
    expect(f).toMatchObject({
      a: '1250000000',
      b: 'edu',
      k: 'AKIDEXAMPLE',
      e: String(T0 + 3600),
      t: String(T0),
      f: '/users/teacher1/a.pdf',
    });
    expect(f.r).toMatch(/^\d{1,10}$/);
  });

  it('type 0 with a file: bound multi sign, v5 authorization and an upload URL that this server accepts', async () => {
    const r = await sign({ type: 0, file_path: '/users/teacher1/第1课 a.pdf' });
    expect(r.errorCode).toBe(0);
    expect(openV4(r.data!.sign, 'EXAMPLEKEY')).toMatchObject({
      e: String(T0 + 3600),
      f: '/users/teacher1/第1课 a.pdf',
    });
    // v5 over PUT /<key>, Host of PUBLIC_BASE_URL, key time = now … now + min(COS_SIG_EXPIRE_S, 1 h).
    expect(r.data!.authorization).toBe(
      expectedV5('AKIDEXAMPLE', 'EXAMPLEKEY', `${T0};${T0 + 3600}`, '/users/teacher1/第1课 a.pdf', 'edu.test:8080'),
    );
    const url = new URL(r.data!.upload_url!);
    expect(`${url.origin}${url.pathname}`).toBe(
      `http://edu.test:8080/storage/users/teacher1/${encodeURIComponent('第1课')}%20a.pdf`,
    );
    // Clients reach the server at PUBLIC_BASE_URL; the test reaches it on loopback with that Host header.
    const body = Buffer.from('%PDF-1.4 fake');
    const viaUrl = await put(`${s.url}${url.pathname}${url.search}`, body, {
      host: 'edu.test:8080',
      'content-type': 'application/pdf',
    });
    expect(viaUrl.status, viaUrl.text).toBe(200);
    const viaHeader = await put(`${s.url}${url.pathname}`, body, {
      host: 'edu.test:8080',
      authorization: r.data!.authorization!,
    });
    expect(viaHeader.status, viaHeader.text).toBe(200);
    expect(await ctx.storage.stat('users/teacher1/第1课 a.pdf')).toMatchObject({ size: body.length });
    // The same authorization does not upload another key.
    expect(
      (
        await put(`${s.url}/storage/users/teacher1/other.pdf`, body, {
          host: 'edu.test:8080',
          authorization: r.data!.authorization!,
        })
      ).status,
    ).toBe(403);
  });

  it('type 1: once sign with e=0 and the URL-encoded fileid', async () => {
    const r = await sign({ type: 1, file_path: '/users/teacher1/a b.pdf' });
    expect(r.errorCode).toBe(0);
    expect(openV4(r.data!.sign, 'EXAMPLEKEY')).toMatchObject({
      b: 'edu',
      e: '0',
      t: String(T0),
      f: '/1250000000/edu/users/teacher1/a%20b.pdf',
    });
    expect(r.data!.upload_url).toContain('/storage/users/teacher1/a%20b.pdf?');
  });

  it('a bucket the caller names: region "", that bucket in the sign (appid suffix dropped)', async () => {
    const r = await sign({ type: 0, bucket: 'other-1250000000', file_path: '/users/teacher1/b.pdf' });
    expect(r.data).toMatchObject({ bucket: 'other', region: '' });
    expect(openV4(r.data!.sign, 'EXAMPLEKEY').b).toBe('other');
    expect((await sign({ type: 0, bucket: 'plain', file_path: '/users/teacher1/b.pdf' })).data!.bucket).toBe('plain');
  });

  it('two signatures differ (fresh random)', async () => {
    const a = openV4((await sign({ type: 0, file_path: '/users/teacher1/r.pdf' })).data!.sign, 'EXAMPLEKEY');
    const b = openV4((await sign({ type: 0, file_path: '/users/teacher1/r.pdf' })).data!.sign, 'EXAMPLEKEY');
    expect(a.r).not.toBe(b.r);
  });

  it('refuses bad type, missing/unsafe file_path and bad buckets with 10003', async () => {
    const bodies: Record<string, unknown>[] = [
      {},
      { type: 2 },
      { type: '0' },
      { type: 1 },
      { type: 1, file_path: 'docs/a.pdf' },
      { type: 0, file_path: '' },
      { type: 0, file_path: 5 },
      { type: 0, file_path: '/../../etc/passwd' },
      { type: 0, file_path: '/a/%2e%2e/%2e%2e/etc/passwd' },
      { type: 0, file_path: '/a/%252e%252e/b' },
      { type: 0, file_path: '/a\\b' },
      { type: 1, file_path: '/a\u0000.pdf' },
      { type: 0, file_path: '/a//b' },
      { type: 0, file_path: '/dir/' },
      { type: 0, file_path: `/${'x'.repeat(1100)}` },
      { type: 0, bucket: 'UPPER' },
      { type: 0, bucket: 'a_b' },
      { type: 0, bucket: '' },
      { type: 0, bucket: '-x' },
      { type: 0, bucket: 'x'.repeat(64) },
    ];
    for (const b of bodies) {
      const r = await sign(b);
      expect(r.errorCode, JSON.stringify(b).slice(0, 120)).toBe(10003);
    }
  });

  it('refuses paths the server manages (playback indexes, console uploads, demo data) with 10101, before signing anything', async () => {
    for (const file_path of [
      '/playback/10001/index-1.json',
      '/uploads/teacher2/a.pdf',
      '/Playback/x.json',
      '/UPLOADS/x/y.pdf',
      '/demo/recordings/lesson-1.mp4',
    ]) {
      for (const type of [0, 1]) {
        const r = await sign({ type, file_path });
        expect(r.errorCode, file_path).toBe(10101);
        expect(r.data).toBeUndefined();
      }
    }
    expect((await sign({ type: 0, file_path: '/users/teacher1/playback/x.json' })).errorCode).toBe(0);
  });

  it("refuses the bare reserved names too (a file there would block the server's folder), with or without a slash", async () => {
    for (const file_path of [
      '/uploads',
      '/uploads/',
      '/playback',
      '/Playback',
      '/demo/',
      '/demo',
      '/users',
      '/courses',
      '/users/',
    ]) {
      const r = await sign({ type: 0, file_path });
      expect([10003, 10101], file_path).toContain(r.errorCode);
      expect(r.data, file_path).toBeUndefined();
    }
    for (const file_path of ['/uploads', '/playback', '/demo', '/UPLOADS'])
      expect((await sign({ type: 1, file_path })).errorCode, file_path).toBe(10101);
  });

  it('who may write where: a teacher under users/<own uid>/ or courses/<own roomnum>/; students and others 10101', async () => {
    const stu = await signUp(s, 'stu9', 0);
    const other = await signUp(s, 'teacher9', 1);
    const own = await createCourse(s, token, 'mine');
    const theirs = await createCourse(s, other, 'theirs');
    expect((await sign({ type: 0, file_path: `/courses/${own}/slides.pdf` })).errorCode).toBe(0);
    expect((await sign({ type: 1, file_path: `/courses/${own}/a/b.pdf` })).errorCode).toBe(0);
    const refused = [
      '/teacher1/a.pdf',
      '/users/teacher9/a.pdf',
      '/users/Teacher1/a.pdf',
      '/users/teacher1',
      `/courses/${theirs}/a.pdf`,
      `/courses/${own}`,
      '/courses/x/a.pdf',
      '/a.pdf',
      '/docs/a.pdf',
    ];
    for (const file_path of refused) expect((await sign({ type: 0, file_path })).errorCode, file_path).toBe(10101);
    expect((await sign({ type: 0, file_path: '/courses/99999999/a.pdf' })).errorCode).toBe(10010);
    for (const body of [
      { type: 0 },
      { type: 0, file_path: '/users/stu9/a.pdf' },
      { type: 1, file_path: '/users/stu9/a.pdf' },
    ]) {
      expect(await s.call('cos/get_sign', { token: stu, ...body }), JSON.stringify(body)).toMatchObject({
        errorCode: 10101,
      });
    }
  });

  it('needs a token', async () => {
    expect((await s.call('cos/get_sign', { type: 0 })).errorCode).toBe(10003);
    expect((await s.call('cos/get_sign', { token: 'x', type: 0 })).errorCode).toBe(10009);
  });
});

describe('cos/get_sign, local storage without TENCENT_* keys', () => {
  it('signs with the development key and the dev bucket', async () => {
    const ctx = createTestCtx();
    await withLegacyServer(ctx, async (s) => {
      const token = await signUp(s, 'teach1', 1);
      const r = await s.call<CosSignReply>('cos/get_sign', { token, type: 0, file_path: '/users/teach1/a.pdf' });
      expect(r.errorCode).toBe(0);
      expect(r.data).toMatchObject({ bucket: 'edu-local', region: '' });
      expect(openV4(r.data!.sign, ctx.cloud.secretKey)).toMatchObject({ k: ctx.cloud.secretId, b: 'edu-local' });
      expect(new URL(r.data!.upload_url!).host).toBe(`localhost:${ctx.env.PORT}`);
    });
  });
});

describe('cos/get_sign, tencent storage (fake COS)', () => {
  let fake: FakeCosServer;
  let s: LegacyTestServer;
  let token: string;
  let ctx: ReturnType<typeof createTestCtx>;
  beforeAll(async () => {
    fake = await startFakeCosServer({ secretId: 'AKIDEXAMPLE', secretKey: 'EXAMPLEKEY' });
    ctx = createTestCtx({
      ...KEYS,
      STORAGE_PROVIDER: 'tencent',
      COS_BUCKET: 'edu-1250000000',
      COS_REGION: 'ap-guangzhou',
      COS_ENDPOINT: fake.endpoint,
    });
    // COS checks key times against the real clock (the SDK's presigned URL uses it too).
    ctx.clock.set(Math.floor(Date.now() / 1000));
    s = await startLegacyTestServer(ctx);
    token = await signUp(s, 'teacher1', 1);
  });
  afterAll(async () => {
    await s.close();
    await fake.close();
  });

  it('the upload URL and the authorization both upload to COS', async () => {
    const r = await s.call<CosSignReply>('cos/get_sign', { token, type: 0, file_path: '/users/teacher1/v1.mp4' });
    expect(r.errorCode).toBe(0);
    expect(r.data).toMatchObject({ bucket: 'edu', region: 'ap-guangzhou' });
    const url = new URL(r.data!.upload_url!);
    expect(url.host).toBe(fake.host);
    const body = Buffer.from('video bytes');
    expect((await put(url.toString(), body, {})).status).toBe(200);
    expect(
      (await put(`${fake.endpoint}/users/teacher1/v1.mp4`, body, { authorization: r.data!.authorization! })).status,
    ).toBe(200);
    expect(fake.requests.filter((q) => q.method === 'PUT').map((q) => [q.auth, q.status])).toEqual([
      ['query', 200],
      ['header', 200],
    ]);
    expect(fake.objects.get('users/teacher1/v1.mp4')?.body.toString()).toBe('video bytes');
    // A forged signature is refused by the fake, so the 200s above mean the signatures were checked.
    const forged = r.data!.authorization!.replace(/q-signature=[0-9a-f]{4}/, 'q-signature=0000');
    expect((await put(`${fake.endpoint}/users/teacher1/v1.mp4`, body, { authorization: forged })).status).toBe(403);
  });

  it('a bucket other than COS_BUCKET gets its standard COS host', async () => {
    const r = await s.call<CosSignReply>('cos/get_sign', {
      token,
      type: 1,
      bucket: 'other',
      file_path: '/users/teacher1/y.pdf',
    });
    const host = 'other-1250000000.cos.ap-guangzhou.myqcloud.com';
    const now = ctx.clock.nowS();
    expect(r.data!.authorization).toBe(
      expectedV5('AKIDEXAMPLE', 'EXAMPLEKEY', `${now};${now + 3600}`, '/users/teacher1/y.pdf', host),
    );
    expect(r.data!.upload_url).toBe(`https://${host}/users/teacher1/y.pdf?${r.data!.authorization}`);
    expect(r.data!.region).toBe('');
  });
});
