/**
 * COS signing pieces that need no HTTP: the COS v5 worked examples through cos-nodejs-sdk-v5's static
 * getAuthorization with a fixed KeyTime (the call signCosRequest makes), an independent node:crypto v5 computation
 * that reproduces them, and the file_path gate.
 */
import COS from 'cos-nodejs-sdk-v5';
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { cosV4Plain } from '../../integrations/cos/v4-sign';
import { fixedRandom } from '../../random';
import { createTestCtx, T0 } from '../../testing/test-ctx';
import { checkFilePath, signCosRequest } from './cos';
import { signVodClientUpload } from './vod';
import { asTeacher } from '../course-access';

const enc = (x: string) =>
  encodeURIComponent(x).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const pairs = (o: Record<string, string>) =>
  Object.keys(o)
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
    .map((k) => `${enc(k).toLowerCase()}=${enc(o[k]!)}`)
    .join('&');

/** COS v5 q-signature by hand (tencent-protocols.md §3a steps 1–5), for signed headers/params already filtered. */
function v5Signature(
  key: string,
  keyTime: string,
  method: string,
  pathname: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): string {
  const signKey = createHmac('sha1', key).update(keyTime).digest('hex');
  const httpString = `${method.toLowerCase()}\n${pathname}\n${pairs(query)}\n${pairs(headers)}\n`;
  const stringToSign = `sha1\n${keyTime}\n${createHash('sha1').update(httpString).digest('hex')}\n`;
  return createHmac('sha1', signKey).update(stringToSign).digest('hex');
}

const HOST = 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com';
const KEY_TIME = '1700000000;1700000600';
const sig = (auth: string) => new URLSearchParams(auth).get('q-signature');

describe('COS v5 authorization (tencent-protocols.md §3a worked examples)', () => {
  it('PUT uploads/v1.mp4 with the bucket host → 6f99dfc7…', () => {
    const auth = COS.getAuthorization({
      SecretId: 'AKIDEXAMPLE',
      SecretKey: 'EXAMPLEKEY',
      Method: 'put',
      Key: 'uploads/v1.mp4',
      Headers: { Host: HOST },
      KeyTime: KEY_TIME,
    });
    expect(sig(auth)).toBe('6f99dfc7bfa83af2f180ab1e88d3de0d6d2f057f');
    expect(auth).toBe(
      `q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=${KEY_TIME}&q-key-time=${KEY_TIME}&q-header-list=host&q-url-param-list=&q-signature=6f99dfc7bfa83af2f180ab1e88d3de0d6d2f057f`,
    );
    expect(v5Signature('EXAMPLEKEY', KEY_TIME, 'put', '/uploads/v1.mp4', {}, { host: HOST })).toBe(
      '6f99dfc7bfa83af2f180ab1e88d3de0d6d2f057f',
    );
  });

  it('the same request with Host 127.0.0.1:9000 → 8147956f… (the port is signed)', () => {
    const auth = COS.getAuthorization({
      SecretId: 'AKIDEXAMPLE',
      SecretKey: 'EXAMPLEKEY',
      Method: 'put',
      Key: 'uploads/v1.mp4',
      Headers: { Host: '127.0.0.1:9000' },
      KeyTime: KEY_TIME,
    });
    expect(sig(auth)).toBe('8147956f180e2d3729e804d2008e8df839f2ada2');
    expect(v5Signature('EXAMPLEKEY', KEY_TIME, 'put', '/uploads/v1.mp4', {}, { host: '127.0.0.1:9000' })).toBe(
      '8147956f180e2d3729e804d2008e8df839f2ada2',
    );
  });

  it('query + header encoding case → c6e923fd… (X-Foo is not signed)', () => {
    const auth = COS.getAuthorization({
      SecretId: 'AKIDEXAMPLE',
      SecretKey: 'EXAMPLEKEY',
      Method: 'put',
      Key: 'uploads/a b.mp4',
      Query: { 'x-cos-traffic-limit': '819200' },
      Headers: { Host: HOST, 'Content-Type': 'video/mp4', 'X-Foo': 'bar' },
      KeyTime: KEY_TIME,
    });
    expect(sig(auth)).toBe('c6e923fd85863bc7b49b5814017d0c4f84feae44');
    expect(new URLSearchParams(auth).get('q-header-list')).toBe('content-type;host');
    expect(
      v5Signature(
        'EXAMPLEKEY',
        KEY_TIME,
        'put',
        '/uploads/a b.mp4',
        { 'x-cos-traffic-limit': '819200' },
        { 'content-type': 'video/mp4', host: HOST },
      ),
    ).toBe('c6e923fd85863bc7b49b5814017d0c4f84feae44');
  });
});

describe('checkFilePath', () => {
  it('accepts file paths and returns the key', () => {
    expect(checkFilePath('/docs/a.pdf')).toBe('docs/a.pdf');
    expect(checkFilePath('/课件/第 1 课.pptx')).toBe('课件/第 1 课.pptx');
  });

  it.each([
    ['docs/a.pdf', 'must start with /'],
    ['/', ''],
    ['/docs/', ''],
    ['/../etc/passwd', ''],
    ['/a/../../b', ''],
    ['/a/%2e%2e/b', ''],
    ['/a/%252e%252e/b', ''],
    ['/a/%2E%2E%2Fb', ''],
    ['/a\\..\\b', ''],
    ['/a\u0000b', ''],
    ['/a\nb', ''],
    ['/a//b', ''],
    ['/./a', ''],
    ['/.hidden', ''],
    ['//etc/passwd', ''],
    ['/C:/x', ''],
    ['/a/%E0%A4%A', ''],
    [`/${'x'.repeat(900)}`, ''],
  ])('refuses %j', (p, msg) => {
    const e = (() => {
      try {
        checkFilePath(p);
      } catch (x) {
        return x;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('BAD_INPUT');
    expect((e as AppError).message).toMatch(/^file_path: /);
    if (msg) expect((e as AppError).message).toContain(msg);
  });
});

describe('signature nonces come from ctx.random', () => {
  const plainOf = (sign: string) => Buffer.from(sign, 'base64').subarray(20).toString('utf8');
  const teacher = { uid: 'teach', role: 1, appid: 1400000000 };

  it('cos/get_sign: the v4 `r` is the pinned value, the time the pinned clock', async () => {
    const ctx = createTestCtx({}, { random: fixedRandom(4_000_000_001) });
    const reply = await signCosRequest(ctx, asTeacher({ ...teacher, appid: ctx.env.SDKAPPID }), {
      type: 0,
      filePath: '/users/teach/a.pdf',
    });
    const { appid, secretId } = ctx.cloud;
    const bucket = reply.bucket;
    const expire = T0 + Math.min(ctx.env.COS_SIG_EXPIRE_S, 3600);
    expect(plainOf(reply.sign)).toBe(
      cosV4Plain({
        appid,
        bucket,
        secretId,
        secretKey: '',
        expire,
        now: T0,
        random: 4_000_000_001,
        fileId: '/users/teach/a.pdf',
      }),
    );
  });

  it('vod/get_client_sign: `random` is the pinned value', () => {
    const ctx = createTestCtx({}, { random: fixedRandom(31337) });
    const params = new URLSearchParams(plainOf(signVodClientUpload(ctx).sign));
    expect(params.get('random')).toBe('31337');
    expect(params.get('currentTimeStamp')).toBe(String(T0));
  });
});
