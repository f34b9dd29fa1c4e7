/**
 * COS v5 signatures: the worked examples of tencent-protocols.md §3a, an independent node:crypto computation,
 * cos-nodejs-sdk-v5's getAuthorization, and the verifier's refusals.
 */
import { createHash, createHmac } from 'node:crypto';
import COS from 'cos-nodejs-sdk-v5';
import { describe, expect, it } from 'vitest';
import { signV5, verifyV5Request, type V5Request } from './cos-v5-auth';

const ID = 'AKIDEXAMPLE';
const KEY = 'EXAMPLEKEY';
const HOST = 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com';
const KT = '1700000000;1700000600';

function sigOf(auth: string): string {
  return /q-signature=([0-9a-f]{40})/.exec(auth)![1]!;
}

/** The algorithm step by step with node:crypto, for the first worked example. */
function independent(method: string, pathname: string, params: string, headers: string): string {
  const signKey = createHmac('sha1', KEY).update(KT).digest('hex');
  const http = `${method}\n${pathname}\n${params}\n${headers}\n`;
  const sts = `sha1\n${KT}\n${createHash('sha1').update(http).digest('hex')}\n`;
  return createHmac('sha1', signKey).update(sts).digest('hex');
}

function request(
  auth: string,
  over: Partial<V5Request> & { host?: string; extraHeaders?: Record<string, string> } = {},
): V5Request {
  return {
    method: over.method ?? 'PUT',
    pathname: over.pathname ?? '/uploads/v1.mp4',
    query: over.query ?? new URLSearchParams(),
    headers: { host: over.host ?? HOST, authorization: auth, ...over.extraHeaders },
  };
}

describe('COS v5 signature', () => {
  it('matches the worked examples and an independent computation', () => {
    expect(createHmac('sha1', KEY).update(KT).digest('hex')).toBe('591e57b4b4d923aa9f92b627120a29887268d223');
    const mine = signV5({
      secretId: ID,
      secretKey: KEY,
      method: 'PUT',
      pathname: '/uploads/v1.mp4',
      headers: { Host: HOST },
      keyTime: KT,
    });
    expect(sigOf(mine)).toBe('6f99dfc7bfa83af2f180ab1e88d3de0d6d2f057f');
    expect(sigOf(mine)).toBe(independent('put', '/uploads/v1.mp4', '', `host=${HOST}`));
    const sdk = COS.getAuthorization({
      SecretId: ID,
      SecretKey: KEY,
      Method: 'PUT',
      Key: 'uploads/v1.mp4',
      Headers: { Host: HOST },
      KeyTime: KT,
    });
    expect(sdk).toBe(mine);
    const withPort = signV5({
      secretId: ID,
      secretKey: KEY,
      method: 'PUT',
      pathname: '/uploads/v1.mp4',
      headers: { Host: '127.0.0.1:9000' },
      keyTime: KT,
    });
    expect(sigOf(withPort)).toBe('8147956f180e2d3729e804d2008e8df839f2ada2');
  });

  it('encodes query and headers and drops unsignable headers (second worked example)', () => {
    const opts = {
      SecretId: ID,
      SecretKey: KEY,
      Method: 'PUT' as const,
      Key: 'uploads/a b.mp4',
      Query: { 'x-cos-traffic-limit': '819200' },
      Headers: { Host: HOST, 'Content-Type': 'video/mp4', 'X-Foo': 'bar' },
      KeyTime: KT,
    };
    const sdk = COS.getAuthorization(opts);
    expect(sigOf(sdk)).toBe('c6e923fd85863bc7b49b5814017d0c4f84feae44');
    expect(sdk).toContain('q-header-list=content-type;host&q-url-param-list=x-cos-traffic-limit&');
    const mine = signV5({
      secretId: ID,
      secretKey: KEY,
      method: 'put',
      pathname: '/uploads/a b.mp4',
      query: opts.Query,
      headers: opts.Headers,
      keyTime: KT,
    });
    expect(mine).toBe(sdk);
    expect(sigOf(mine)).toBe(
      independent('put', '/uploads/a b.mp4', 'x-cos-traffic-limit=819200', `content-type=video%2Fmp4&host=${HOST}`),
    );
  });

  describe('verifyV5Request', () => {
    const auth = COS.getAuthorization({
      SecretId: ID,
      SecretKey: KEY,
      Method: 'PUT',
      Key: 'uploads/v1.mp4',
      Headers: { Host: HOST, 'Content-Type': 'video/mp4' },
      KeyTime: KT,
    });
    const verify = (r: V5Request, nowS = 1700000300, require?: string[]) =>
      verifyV5Request(r, { secretKeyOf: (id) => (id === ID ? KEY : undefined), nowS, requireSignedHeaders: require });
    const ok = request(auth, { extraHeaders: { 'content-type': 'video/mp4' } });

    it('accepts a good header authorization and the same fields in a presigned query', () => {
      expect(verify(ok)).toMatchObject({
        ok: true,
        secretId: ID,
        expiresAt: 1700000600,
        signedHeaders: ['content-type', 'host'],
      });
      const q = new URLSearchParams(auth);
      q.set('unsigned-extra', '1');
      expect(verify({ ...ok, headers: { host: HOST, 'content-type': 'video/mp4' }, query: q }).ok).toBe(true);
    });

    it('refuses a changed host, path, method, signed header, key, time or signature', () => {
      const cases: [V5Request, number?][] = [
        [{ ...ok, headers: { ...ok.headers, host: `${HOST}:443` } }],
        [{ ...ok, pathname: '/uploads/v2.mp4' }],
        [{ ...ok, method: 'GET' }],
        [{ ...ok, headers: { ...ok.headers, 'content-type': 'text/html' } }],
        [{ ...ok, headers: { host: HOST, authorization: auth } }],
        [ok, 1700000601],
        [ok, 1699990000],
        [{ ...ok, headers: { ...ok.headers, authorization: auth.replace(/q-signature=./, 'q-signature=0') } }],
        [{ ...ok, headers: { ...ok.headers, authorization: auth.replace('q-ak=AKIDEXAMPLE', 'q-ak=AKIDOTHER') } }],
        [
          {
            ...ok,
            headers: { ...ok.headers, authorization: auth.replace('q-sign-algorithm=sha1', 'q-sign-algorithm=md5') },
          },
        ],
        [{ ...ok, headers: { ...ok.headers, authorization: auth.replace(/&q-key-time=[^&]+/, '') } }],
        [{ ...ok, headers: { host: HOST } }],
      ];
      for (const [r, now] of cases) expect(verify(r, now).ok).toBe(false);
    });

    it('can require the host header to be signed', () => {
      const noHost = COS.getAuthorization({
        SecretId: ID,
        SecretKey: KEY,
        Method: 'PUT',
        Key: 'uploads/v1.mp4',
        KeyTime: KT,
      });
      expect(verify(request(noHost)).ok).toBe(true);
      expect(verify(request(noHost), 1700000300, ['host'])).toMatchObject({ ok: false, code: 'AccessDenied' });
    });
  });
});
