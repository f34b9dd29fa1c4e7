/**
 * The Tencent VOD provider with the real SDK against the loopback fake VOD API 3.0: what it sends (API 3.0 request
 * bodies), that the fake really checks TC3 signatures, and how Tencent errors surface (VodUpstreamError).
 */
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVodServer, type FakeVodServer } from '../../testing/fake-vod-server';
import { createTencentVod, parseVodEndpoint } from './tencent';
import { VodUpstreamError, type MediaView } from './types';

const NONE: MediaView = { fileIds: [], refs: [], urlOf: (s) => s };

const CREDS = { secretId: 'AKIDEXAMPLE', secretKey: 'EXAMPLEKEY' };

describe('tencent VOD provider against the fake VOD API 3.0', () => {
  let fake: FakeVodServer;
  beforeAll(async () => {
    fake = await startFakeVodServer(CREDS);
  });
  afterAll(() => fake.close());

  it('DescribeVodInfo → SearchMedia with the mapped filters, signed so the fake accepts it', async () => {
    const vod = createTencentVod({ ...CREDS, region: 'ap-guangzhou', endpoint: fake.endpoint });
    const r = await vod.describeVodInfo(
      {
        fileIds: ['a1'],
        from: 1500000000,
        to: 1500086400,
        classId: 3,
        onlyNormal: true,
        order: 'asc',
        offset: 20,
        limit: 10,
      },
      NONE,
    );
    expect(r).toEqual({ code: 0, message: '', totalCount: 0, fileSet: [] });
    expect(fake.requests.at(-1)).toEqual({
      action: 'SearchMedia',
      error: '',
      body: {
        Sort: { Field: 'CreateTime', Order: 'Asc' },
        Offset: 20,
        Limit: 10,
        Filters: ['basicInfo', 'metaData'],
        FileIds: ['a1'],
        CreateTime: { After: '2017-07-14T02:40:00Z', Before: '2017-07-15T02:40:00Z' },
        ClassIds: [3],
        Status: ['Normal'],
      },
    });
  });

  it('GetVideoInfo → DescribeMediaInfos with the requested filters', async () => {
    const vod = createTencentVod({ ...CREDS, region: 'ap-guangzhou', endpoint: fake.endpoint });
    expect((await vod.getVideoInfo({ fileId: 'zz', filters: ['transcodeInfo'] }, NONE)).code).toBe(4000);
    expect(fake.requests.at(-1)).toEqual({
      action: 'DescribeMediaInfos',
      error: '',
      body: { FileIds: ['zz'], Filters: ['transcodeInfo', 'basicInfo'] },
    });
  });

  it('a wrong key is refused by the fake (AuthFailure) and surfaces as VodUpstreamError', async () => {
    const vod = createTencentVod({
      secretId: CREDS.secretId,
      secretKey: 'WRONG',
      region: 'ap-guangzhou',
      endpoint: fake.endpoint,
    });
    const e = await vod
      .describeVodInfo({ fileIds: [], onlyNormal: false, order: 'desc', offset: 0, limit: 10 }, NONE)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VodUpstreamError);
    expect((e as VodUpstreamError).code).toBe('AuthFailure.SignatureFailure');
    const other = createTencentVod({
      secretId: 'AKIDOTHER',
      secretKey: CREDS.secretKey,
      region: 'ap-guangzhou',
      endpoint: fake.endpoint,
    });
    expect(
      await other.getVideoInfo({ fileId: 'x', filters: ['basicInfo'] }, NONE).catch((x: VodUpstreamError) => x.code),
    ).toBe('AuthFailure.SecretIdNotFound');
  });

  it('a Tencent error reply keeps its code and message', async () => {
    const vod = createTencentVod({ ...CREDS, region: 'ap-guangzhou', endpoint: fake.endpoint });
    fake.failNext('ResourceNotFound', 'The resource does not exist.');
    const e = (await vod
      .getVideoInfo({ fileId: 'x', filters: ['basicInfo'] }, NONE)
      .catch((x: unknown) => x)) as VodUpstreamError;
    expect([e.code, e.message]).toEqual(['ResourceNotFound', 'The resource does not exist.']);
  });

  it('an unreachable endpoint is an upstream error too', async () => {
    const gone = await startFakeVodServer(CREDS);
    const endpoint = gone.endpoint;
    await gone.close();
    const vod = createTencentVod({ ...CREDS, region: 'ap-guangzhou', endpoint, timeoutS: 2 });
    const e = await vod.getVideoInfo({ fileId: 'x', filters: ['basicInfo'] }, NONE).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VodUpstreamError);
    // The client-facing message does not name the internal endpoint; the log detail does.
    expect([(e as VodUpstreamError).code, (e as VodUpstreamError).message]).toEqual([
      'NetworkError',
      'VOD API could not be reached',
    ]);
    expect((e as VodUpstreamError).detail).toContain('ECONNREFUSED');
  });

  it('the fake checks TC3 itself: an independently signed request passes, a tampered one does not', async () => {
    const body = JSON.stringify({ FileIds: ['q'] });
    const ts = Math.floor(Date.now() / 1000);
    const date = new Date(ts * 1000).toISOString().slice(0, 10);
    const host = new URL(fake.endpoint).host;
    const sign = (payload: string) => {
      const canonical = `POST\n/\n\ncontent-type:application/json\nhost:127.0.0.1\n\ncontent-type;host\n${createHash('sha256').update(payload).digest('hex')}`;
      const sts = `TC3-HMAC-SHA256\n${ts}\n${date}/127/tc3_request\n${createHash('sha256').update(canonical).digest('hex')}`;
      const h = (k: string | Buffer, m: string) => createHmac('sha256', k).update(m).digest();
      const sig = createHmac('sha256', h(h(h(`TC3${CREDS.secretKey}`, date), '127'), 'tc3_request'))
        .update(sts)
        .digest('hex');
      return `TC3-HMAC-SHA256 Credential=${CREDS.secretId}/${date}/127/tc3_request, SignedHeaders=content-type;host, Signature=${sig}`;
    };
    const send = async (payload: string, auth: string) => {
      const res = await fetch(`${fake.endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          host,
          authorization: auth,
          'x-tc-action': 'DescribeMediaInfos',
          'x-tc-version': '2018-07-17',
          'x-tc-timestamp': String(ts),
        },
        body: payload,
      });
      return ((await res.json()) as { Response: { Error?: { Code: string } } }).Response.Error?.Code ?? 'OK';
    };
    expect(await send(body, sign(body))).toBe('OK');
    expect(await send(JSON.stringify({ FileIds: ['r'] }), sign(body))).toBe('AuthFailure.SignatureFailure');
  });

  it('parses VOD_ENDPOINT forms', () => {
    expect(parseVodEndpoint(undefined)).toEqual({ protocol: 'https://', endpoint: 'vod.tencentcloudapi.com' });
    expect(parseVodEndpoint('http://127.0.0.1:9000')).toEqual({ protocol: 'http://', endpoint: '127.0.0.1:9000' });
    expect(parseVodEndpoint('vod.ap-x.tencentcloudapi.com')).toEqual({
      protocol: 'https://',
      endpoint: 'vod.ap-x.tencentcloudapi.com',
    });
    expect(() => parseVodEndpoint('http://a/b')).toThrow();
  });
});
