/**
 * vod/get_sign, vod/get_client_sign and vod/cmd_proxy over real HTTP: signatures against the §4a/§4b worked examples
 * and an independent node:crypto computation, the host/action allowlists (10101), input bounds (10003), the local
 * provider over recordings + bound videos, and the Tencent provider against the fake VOD API 3.0 — including proof
 * that cmd_proxy never sends a request to a host the caller names.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { courseEvents, courses, recordings } from '../../db/schema';
import { ConfigError } from '../errors';
import { unixToIso } from '../integrations/vod/v2-time';
import { startFakeVodServer, type FakeVodServer } from '../testing/fake-vod-server';
import { createCourse, signUp } from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer, withLegacyServer } from '../testing/legacy-server';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { inTransaction } from '../../db/client';

const KEYS = { TENCENT_SECRET_ID: 'AKIDEXAMPLE', TENCENT_SECRET_KEY: 'EXAMPLEKEY' };
const EXAMPLE_PARAMS = {
  Action: 'DescribeVodInfo',
  Nonce: 11886,
  Region: 'gz',
  SecretId: '',
  SignatureMethod: 'HmacSHA256',
  Timestamp: 1465185768,
};
const HOST = 'vod.api.qcloud.com';
const PATH = '/v2/index.php';

describe('vod/get_sign', () => {
  const ctx = createTestCtx(KEYS);
  let s: LegacyTestServer;
  let token: string;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    token = await signUp(s, 'stu1', 0);
  });
  afterAll(() => s.close());
  const sign = (body: Record<string, unknown>) =>
    s.call<{ sign: string; SecretId: string; SignatureMethod: string }>('vod/get_sign', { token, ...body });

  it('reproduces the §4a GET and POST examples (server fills SecretId)', async () => {
    expect(await sign({ method: 'GET', host: HOST, path: PATH, params: EXAMPLE_PARAMS })).toEqual({
      errorCode: 0,
      errorInfo: '',
      data: {
        sign: 'L9J9ArHb5nBfEaeZX5mn558Jd0ZkIKboSjmhn4YYzxs=',
        SecretId: 'AKIDEXAMPLE',
        SignatureMethod: 'HmacSHA256',
      },
    });
    expect((await sign({ method: 'POST', host: HOST, path: PATH, params: EXAMPLE_PARAMS })).data!.sign).toBe(
      'LUTOeiIsMh4RjizyPOCd28zax2/lebbeNjS6TI37P7I=',
    );
  });

  it('defaults to HmacSHA1; flattens arrays, renames _ to ., ignores a client Signature; matches node:crypto', async () => {
    const r = await sign({
      method: 'get',
      host: 'VOD.api.qcloud.com',
      path: PATH,
      params: {
        Action: 'GetVideoInfo',
        fileId: '52854',
        infoFilter: ['basicInfo', 'metaData'],
        Nonce: 7,
        SecretId: 'AKIDFORGED',
        Signature: 'x',
        extra_key: 'a b',
      },
    });
    expect(r.errorCode).toBe(0);
    const src = `GETvod.api.qcloud.com/v2/index.php?Action=GetVideoInfo&Nonce=7&SecretId=AKIDEXAMPLE&extra.key=a b&fileId=52854&infoFilter.0=basicInfo&infoFilter.1=metaData`;
    expect(r.data).toEqual({
      sign: createHmac('sha1', 'EXAMPLEKEY').update(src).digest('base64'),
      SecretId: 'AKIDEXAMPLE',
      SignatureMethod: 'HmacSHA1',
    });
  });

  it('refuses hosts, paths and actions outside the allowlists with 10101', async () => {
    for (const body of [
      {
        method: 'GET',
        host: 'cvm.api.qcloud.com',
        path: PATH,
        params: { ...EXAMPLE_PARAMS, Action: 'DescribeInstances' },
      },
      { method: 'GET', host: 'evil.example', path: PATH, params: EXAMPLE_PARAMS },
      { method: 'GET', host: `${HOST}.evil.example`, path: PATH, params: EXAMPLE_PARAMS },
      { method: 'GET', host: HOST, path: '/v3/index.php', params: EXAMPLE_PARAMS },
      { method: 'GET', host: HOST, path: PATH, params: { ...EXAMPLE_PARAMS, Action: 'DeleteVodFile' } },
      { method: 'GET', host: HOST, path: PATH, params: { Nonce: 1 } },
    ]) {
      expect((await sign(body)).errorCode, JSON.stringify(body)).toBe(10101);
    }
  });

  it('refuses bad method, SignatureMethod and unsafe or oversized params with 10003', async () => {
    const base = { method: 'GET', host: HOST, path: PATH };
    const deep = { a: { b: { c: { d: '1' } } } };
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    const wide = { Action: 'DescribeVodInfo', list: Array.from({ length: 60 }, () => ['x', 'y']) };
    for (const body of [
      { ...base, method: 'PUT', params: EXAMPLE_PARAMS },
      { ...base, method: 'get ', params: EXAMPLE_PARAMS },
      { ...base, params: { ...EXAMPLE_PARAMS, SignatureMethod: 'HmacMD5' } },
      { ...base, params: { ...EXAMPLE_PARAMS, Region: 'gz&Action=DeleteVodFile' } },
      { ...base, params: { ...EXAMPLE_PARAMS, 'a=b': '1' } },
      { ...base, params: { ...EXAMPLE_PARAMS, flag: true } },
      { ...base, params: { ...EXAMPLE_PARAMS, none: null } },
      { ...base, params: { ...EXAMPLE_PARAMS, ...deep } },
      { ...base, params: { ...EXAMPLE_PARAMS, ...many } },
      { ...base, params: wide },
      { ...base, params: { ...EXAMPLE_PARAMS, a_b: '1', 'a.b': '2' } },
      { ...base, params: { ...EXAMPLE_PARAMS, big: 'x'.repeat(1025) } },
      { ...base, params: 'Action=DescribeVodInfo' },
      { ...base, params: [EXAMPLE_PARAMS] },
      { ...base, host: '', params: EXAMPLE_PARAMS },
      { method: 'GET', params: EXAMPLE_PARAMS },
    ]) {
      expect((await sign(body)).errorCode, JSON.stringify(body).slice(0, 200)).toBe(10003);
    }
  });

  it('refuses a __proto__ parameter instead of dropping it', async () => {
    const body = `{"appid":${ctx.env.SDKAPPID},"timeStamp":1,"token":"${token}","method":"GET","host":"${HOST}","path":"${PATH}","params":{"Action":"DescribeVodInfo","__proto__":{"Action":"DeleteVodFile"}}}`;
    for (const cmd of ['get_sign', 'cmd_proxy']) {
      const r = await s.raw('vod', cmd, body);
      expect((r.json as { errorCode: number }).errorCode).toBe(10003);
    }
  });

  it('needs a valid token', async () => {
    expect(
      (await s.call('vod/get_sign', { method: 'GET', host: HOST, path: PATH, params: EXAMPLE_PARAMS })).errorCode,
    ).toBe(10003);
    expect(
      (await s.call('vod/get_sign', { token: 'nope', method: 'GET', host: HOST, path: PATH, params: EXAMPLE_PARAMS }))
        .errorCode,
    ).toBe(10009);
  });
});

describe('vod/get_sign with configured allowlists', () => {
  it('signs exactly what is configured', async () => {
    const ctx = createTestCtx({
      ...KEYS,
      VOD_SIGN_ALLOWED_HOSTS: 'vod.api.qcloud.com, vod2.example',
      VOD_SIGN_ALLOWED_ACTIONS: 'DescribeVodInfo',
    });
    await withLegacyServer(ctx, async (s) => {
      const token = await signUp(s, 'stu1', 0);
      const call = (host: string, Action: string) =>
        s.call('vod/get_sign', { token, method: 'GET', host, path: PATH, params: { Action } });
      expect((await call('vod2.example', 'DescribeVodInfo')).errorCode).toBe(0);
      expect((await call(HOST, 'GetVideoInfo')).errorCode).toBe(10101);
    });
  });
});

/** Decodes a §4b signature, checks its HMAC independently and returns the embedded fields. */
function openClientSign(sign: string, key: string): URLSearchParams {
  const raw = Buffer.from(sign, 'base64');
  expect(createHmac('sha1', key).update(raw.subarray(20)).digest().equals(raw.subarray(0, 20))).toBe(true);
  return new URLSearchParams(raw.subarray(20).toString('utf8'));
}

describe('vod/get_client_sign', () => {
  it('signs secretId, now, now + COS_SIG_EXPIRE_S and a fresh random', async () => {
    const ctx = createTestCtx(KEYS);
    await withLegacyServer(ctx, async (s) => {
      const token = await signUp(s, 'stu1', 0);
      const a = await s.call<{ sign: string; SecretId: string }>('vod/get_client_sign', { token });
      expect(a.errorCode).toBe(0);
      expect(a.data!.SecretId).toBe('AKIDEXAMPLE');
      const p = openClientSign(a.data!.sign, 'EXAMPLEKEY');
      expect([...p.keys()]).toEqual(['secretId', 'currentTimeStamp', 'expireTime', 'random']);
      expect([p.get('secretId'), p.get('currentTimeStamp'), p.get('expireTime')]).toEqual([
        'AKIDEXAMPLE',
        String(T0),
        String(T0 + 2592000),
      ]);
      expect(Number(p.get('random'))).toBeLessThan(2 ** 32);
      const b = await s.call<{ sign: string }>('vod/get_client_sign', { token });
      expect(b.data!.sign).not.toBe(a.data!.sign);
    });
  });

  it('adds procedure / classId when configured and caps the lifetime at 90 days', async () => {
    const ctx = createTestCtx({
      ...KEYS,
      VOD_UPLOAD_PROCEDURE: 'QCVB_SimpleProcessFile(1,0)',
      VOD_UPLOAD_CLASS_ID: '12',
      COS_SIG_EXPIRE_S: '99999999',
    });
    await withLegacyServer(ctx, async (s) => {
      const token = await signUp(s, 'stu1', 0);
      const r = await s.call<{ sign: string }>('vod/get_client_sign', { token });
      const p = openClientSign(r.data!.sign, 'EXAMPLEKEY');
      expect([...p.keys()]).toEqual(['secretId', 'currentTimeStamp', 'expireTime', 'random', 'procedure', 'classId']);
      expect([p.get('expireTime'), p.get('procedure'), p.get('classId')]).toEqual([
        String(T0 + 7776000),
        'QCVB_SimpleProcessFile(1,0)',
        '12',
      ]);
    });
  });

  it('signs with the logged development key when no TENCENT_* keys are set', async () => {
    const ctx = createTestCtx();
    await withLegacyServer(ctx, async (s) => {
      const token = await signUp(s, 'stu1', 0);
      const r = await s.call<{ sign: string; SecretId: string }>('vod/get_client_sign', { token });
      expect(r.data!.SecretId).toBe(ctx.cloud.secretId);
      expect(openClientSign(r.data!.sign, ctx.cloud.secretKey).get('secretId')).toBe(ctx.cloud.secretId);
    });
  });
});

async function seedRecordings(ctx: ReturnType<typeof createTestCtx>, roomnum: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await inTransaction(ctx.db, async (tx) => {
      await tx.insert(recordings).values({
        roomnum,
        uid: 'teacher1',
        fileId: `5285485487985${String(i).padStart(6, '0')}`,
        videoId: `v${i}`,
        videoUrl: `http://vod.example/r${i}.mp4`,
        startTime: T0 + i * 100,
        endTime: T0 + i * 100 + 90,
        mediaStartTime: 0,
        fileSize: 1000 + i,
        duration: 90,
        createdAt: T0 + i * 100 + 95,
      });
    });
  }
}

describe('vod/cmd_proxy, local provider', () => {
  const ctx = createTestCtx(KEYS);
  let s: LegacyTestServer;
  let token: string;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    token = await signUp(s, 'teacher1', 1);
    await seedRecordings(ctx, await createCourse(s, token, 'math'), 12);
    ctx.clock.set(T0 + 5000);
    expect(
      (
        await s.call('live/reportbind', {
          token,
          operate: 0,
          bind_file: { type: 1, file_name: 'intro.mp4', url: 'http://cdn.example/intro.mp4' },
        })
      ).errorCode,
    ).toBe(0);
    expect(
      (
        await s.call('live/reportbind', {
          token,
          operate: 0,
          bind_file: { type: 0, file_name: 'a.pdf', url: 'http://cdn.example/a.pdf' },
        })
      ).errorCode,
    ).toBe(0);
  });
  afterAll(() => s.close());
  const proxy = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    s.call<Record<string, unknown>>('vod/cmd_proxy', {
      token,
      method: 'GET',
      host: HOST,
      path: PATH,
      params: { Nonce: 1, Region: 'gz', SecretId: '', ...params },
      ...extra,
    });

  it('DescribeVodInfo pages over recordings and bound videos (the 2017 pageNo 0 is the first page)', async () => {
    const first = await proxy({ Action: 'DescribeVodInfo', pageNo: 0, pageSize: 10 });
    expect(first.errorCode).toBe(0);
    const data = first.data as {
      code: number;
      totalCount: number;
      fileSet: { fileId: string; fileName: string; playUrl: string }[];
    };
    expect([data.code, data.totalCount, data.fileSet.length]).toEqual([0, 13, 10]);
    expect(data.fileSet[0]).toMatchObject({
      fileId: 'local-video-1',
      fileName: 'intro.mp4',
      playUrl: 'http://cdn.example/intro.mp4',
    });
    const second = (await proxy({ Action: 'DescribeVodInfo', pageNo: 2, pageSize: 10 })).data as {
      fileSet: { fileId: string }[];
    };
    expect(second.fileSet.map((f) => f.fileId)).toEqual([
      '5285485487985000002',
      '5285485487985000001',
      '5285485487985000000',
    ]);
    const asc = (await proxy({ Action: 'DescribeVodInfo', orderby: 0, pageSize: 1 })).data as {
      fileSet: { fileId: string }[];
    };
    expect(asc.fileSet.map((f) => f.fileId)).toEqual(['5285485487985000000']);
  });

  it('DescribeVodInfo filters by fileIds (array, fileIds.n or fileIds_n) and by time', async () => {
    const ids = (d: unknown) => (d as { fileSet: { fileId: string }[] }).fileSet.map((f) => f.fileId).sort();
    const want = ['5285485487985000001', '5285485487985000003'];
    expect(ids((await proxy({ Action: 'DescribeVodInfo', fileIds: want })).data)).toEqual(want);
    expect(ids((await proxy({ Action: 'DescribeVodInfo', 'fileIds.0': want[0], 'fileIds.1': want[1] })).data)).toEqual(
      want,
    );
    expect(ids((await proxy({ Action: 'DescribeVodInfo', fileIds_0: want[0], fileIds_1: want[1] })).data)).toEqual(
      want,
    );
    // T0 = 2027-01-15 16:00:00 Beijing; recording i is created at T0 + 100i + 95.
    expect(
      ids((await proxy({ Action: 'DescribeVodInfo', from: '2027-01-15 16:02:00', to: '2027-01-15 16:05:00' })).data),
    ).toEqual(['5285485487985000001', '5285485487985000002']);
  });

  it('GetVideoInfo answers one file; an unknown one gets the v2 not-found code', async () => {
    const r = await proxy(
      { Action: 'GetVideoInfo', fileId: '5285485487985000004', infoFilter: ['basicInfo'] },
      { method: 'POST' },
    );
    expect(r).toMatchObject({
      errorCode: 0,
      data: {
        code: 0,
        basicInfo: { sourceVideoUrl: 'http://vod.example/r4.mp4', size: 1004, duration: 90, type: 'mp4' },
      },
    });
    expect(r.data!.transcodeInfo).toBeUndefined();
    expect((await proxy({ Action: 'GetVideoInfo', fileId: '404' })).data).toEqual({
      code: 4000,
      codeDesc: 'InvalidParameter',
      message: 'file does not exist',
    });
  });

  it('lists only what the caller may see: the teacher their own; a student the published recordings they attended', async () => {
    const as = (tok: string, params: Record<string, unknown>) =>
      s.call<{ totalCount?: number; fileSet?: { fileId: string }[]; code: number }>('vod/cmd_proxy', {
        token: tok,
        method: 'GET',
        host: HOST,
        path: PATH,
        params,
      });
    // Another teacher's course with one recording and a bound video, ended, not yet published; stu1 attended it.
    const other = await signUp(s, 'teacher2', 1);
    const stu = await signUp(s, 'stu1', 0);
    const room2 = await createCourse(s, other, 'physics');
    expect(
      (
        await s.call('live/reportbind', {
          token: other,
          roomnum: room2,
          operate: 0,
          bind_file: { type: 1, file_name: 'p.mp4', url: 'http://cdn.example/p.mp4' },
        })
      ).errorCode,
    ).toBe(0);
    await inTransaction(ctx.db, async (tx) => {
      await tx.insert(recordings).values({
        roomnum: room2,
        uid: 'teacher2',
        fileId: 'other-rec',
        videoId: 'ov',
        videoUrl: 'http://vod.example/other.mp4',
        startTime: T0,
        endTime: T0 + 90,
        mediaStartTime: 0,
        fileSize: 1,
        duration: 90,
        createdAt: T0 + 4000,
      });
    });
    await inTransaction(ctx.db, async (tx) => {
      await tx.update(courses).set({ state: 3 }).where(eq(courses.roomnum, room2));
    });
    await inTransaction(ctx.db, async (tx) => {
      await tx.insert(courseEvents).values({ roomnum: room2, at: T0, kind: 'member_enter', uid: 'stu1', role: 0 });
    });
    const ids = async (tok: string) =>
      ((await as(tok, { Action: 'DescribeVodInfo', pageSize: 100 })).data!.fileSet ?? []).map((f) => f.fileId);

    // teacher1 keeps their 12 recordings + library video; teacher2 sees only their own recording and video.
    expect(await ids(token)).toHaveLength(13);
    expect(await ids(token)).not.toContain('other-rec');
    expect((await ids(other)).sort()).toEqual(['local-video-3', 'other-rec'].sort());
    expect((await as(token, { Action: 'GetVideoInfo', fileId: 'other-rec' })).data).toMatchObject({ code: 4000 });
    // The student: nothing until teacher2 publishes, then the recording only (not the teacher's bound video).
    expect(await ids(stu)).toEqual([]);
    expect((await as(stu, { Action: 'GetVideoInfo', fileId: 'other-rec' })).data).toMatchObject({ code: 4000 });
    await inTransaction(ctx.db, async (tx) => {
      await tx.update(courses).set({ playbackPublished: true }).where(eq(courses.roomnum, room2));
    });
    expect(await ids(stu)).toEqual(['other-rec']);
    expect((await as(stu, { Action: 'GetVideoInfo', fileId: 'other-rec' })).data).toMatchObject({ code: 0 });
    const stranger = await signUp(s, 'stu9', 0);
    expect(await ids(stranger)).toEqual([]);
  });

  it('refuses other hosts, paths and actions (10101) and malformed params (10003)', async () => {
    expect((await proxy({ Action: 'DescribeVodInfo' }, { host: 'evil.example' })).errorCode).toBe(10101);
    expect((await proxy({ Action: 'DescribeVodInfo' }, { path: '/v2/other.php' })).errorCode).toBe(10101);
    expect((await proxy({ Action: 'DeleteVodFile', fileId: '1' })).errorCode).toBe(10101);
    expect((await proxy({ Action: 'DescribeVodPlayUrls' })).errorCode).toBe(10101);
    for (const params of [
      { Action: 'DescribeVodInfo', pageSize: 0 },
      { Action: 'DescribeVodInfo', pageSize: 101 },
      { Action: 'DescribeVodInfo', pageNo: 600, pageSize: 10 },
      { Action: 'DescribeVodInfo', pageNo: -1 },
      { Action: 'DescribeVodInfo', from: '2017-02-31 00:00:00' },
      { Action: 'DescribeVodInfo', from: '2018-01-01 00:00:00', to: '2017-01-01 00:00:00' },
      { Action: 'DescribeVodInfo', status: 3 },
      { Action: 'DescribeVodInfo', orderby: 2 },
      { Action: 'DescribeVodInfo', fileIds: Array.from({ length: 11 }, (_, i) => `f${i}`) },
      { Action: 'DescribeVodInfo', fileIds: ['../x'] },
      { Action: 'GetVideoInfo' },
      { Action: 'GetVideoInfo', fileId: '1', infoFilter: ['drm'] },
      { Action: 'GetVideoInfo', fileId: '1', SignatureMethod: 'HmacMD5' },
    ]) {
      const r = await proxy(params);
      expect(r.errorCode, JSON.stringify(params)).toBe(10003);
      expect(r.errorInfo.startsWith('params')).toBe(true);
    }
  });
});

describe('vod/cmd_proxy, tencent provider against the fake VOD API 3.0', () => {
  let fake: FakeVodServer;
  let trap: http.Server;
  let trapHits = 0;
  let s: LegacyTestServer;
  let token: string;
  let teacherToken: string;
  let ctx: ReturnType<typeof createTestCtx>;
  beforeAll(async () => {
    fake = await startFakeVodServer({
      secretId: 'AKIDEXAMPLE',
      secretKey: 'EXAMPLEKEY',
      media: [
        {
          FileId: '5285485487985271487',
          BasicInfo: {
            Name: 'lesson 1',
            CreateTime: unixToIso(1500000000),
            UpdateTime: unixToIso(1500000100),
            Status: 'Normal',
            ClassId: 3,
            ClassName: 'math',
            MediaUrl: 'http://vod.example/1.mp4',
            CoverUrl: 'http://vod.example/1.jpg',
            TagSet: ['a'],
            Vid: 'v1',
            Type: 'mp4',
            Description: 'd',
          },
          MetaData: {
            Size: 7865592,
            Duration: 61.5,
            Container: 'mp4',
            Bitrate: 1000,
            Height: 720,
            Width: 1280,
            Rotate: 0,
          },
          TranscodeInfo: {
            TranscodeSet: [
              {
                Url: 'http://vod.example/1.f20.mp4',
                Definition: 20,
                Bitrate: 500,
                Height: 360,
                Width: 640,
                Size: 100,
                Duration: 61.5,
                Container: 'mp4',
                Md5: 'abc',
              },
            ],
          },
        },
        // Someone else's file in the same VOD account: this server knows nothing of it, so nobody is shown it.
        {
          FileId: '5285485487985279999',
          BasicInfo: {
            Name: 'private',
            CreateTime: unixToIso(1500000050),
            UpdateTime: unixToIso(1500000050),
            Status: 'Normal',
            ClassId: 3,
            ClassName: 'math',
            MediaUrl: 'http://vod.example/private.mp4',
            Vid: 'v9',
          },
          MetaData: { Size: 1, Duration: 1 },
        },
        // A video a teacher bound by its URL (visible to that teacher through the binding).
        {
          FileId: '5285485487985270001',
          BasicInfo: {
            Name: 'intro',
            CreateTime: unixToIso(1500000020),
            UpdateTime: unixToIso(1500000020),
            Status: 'Normal',
            ClassId: 3,
            MediaUrl: 'http://vod.example/intro.mp4',
          },
          MetaData: { Size: 2, Duration: 2 },
        },
      ],
    });
    trap = http.createServer((_req, res) => {
      trapHits += 1;
      res.end('{}');
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
    ctx = createTestCtx({ ...KEYS, VOD_PROVIDER: 'tencent', VOD_ENDPOINT: fake.endpoint });
    s = await startLegacyTestServer(ctx);
    // stu1 attended teacher1's published course whose recording is file ...1487.
    teacherToken = await signUp(s, 'teacher1', 1);
    token = await signUp(s, 'stu1', 0);
    const roomnum = await createCourse(s, teacherToken, 'math');
    await inTransaction(ctx.db, async (tx) => {
      await tx.insert(recordings).values({
        roomnum,
        uid: 'teacher1',
        fileId: '5285485487985271487',
        videoId: 'v1',
        videoUrl: 'http://vod.example/1.mp4',
        startTime: T0,
        endTime: T0 + 61,
        mediaStartTime: 0,
        fileSize: 7865592,
        duration: 61,
        createdAt: T0,
      });
    });
    await inTransaction(ctx.db, async (tx) => {
      await tx.update(courses).set({ state: 3, playbackPublished: true }).where(eq(courses.roomnum, roomnum));
    });
    await inTransaction(ctx.db, async (tx) => {
      await tx.insert(courseEvents).values({ roomnum, at: T0, kind: 'member_enter', uid: 'stu1', role: 0 });
    });
    expect(
      (
        await s.call('live/reportbind', {
          token: teacherToken,
          operate: 0,
          bind_file: { type: 1, file_name: 'intro.mp4', url: 'http://vod.example/intro.mp4' },
        })
      ).errorCode,
    ).toBe(0);
  });
  afterAll(async () => {
    await s.close();
    await fake.close();
    await new Promise<void>((r) => trap.close(() => r()));
  });
  const proxy = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    s.call<Record<string, unknown>>('vod/cmd_proxy', {
      token,
      method: 'GET',
      host: HOST,
      path: PATH,
      params,
      ...extra,
    });

  it('DescribeVodInfo is carried out with SearchMedia and answered in the v2 shape', async () => {
    expect(ctx.vod.name).toBe('tencent');
    const r = await proxy({ Action: 'DescribeVodInfo', classId: 3, pageNo: 1, pageSize: 20, orderby: 1 });
    expect(r).toEqual({
      errorCode: 0,
      errorInfo: '',
      data: {
        code: 0,
        message: '',
        totalCount: 1,
        fileSet: [
          {
            fileId: '5285485487985271487',
            fileName: 'lesson 1',
            size: '7865592',
            duration: '62',
            status: '2',
            vid: 'v1',
            createTime: '2017-07-14 10:40:00',
            updateTime: '2017-07-14 10:41:40',
            classId: '3',
            className: 'math',
            imageUrl: 'http://vod.example/1.jpg',
            tags: ['a'],
            description: 'd',
            playUrl: 'http://vod.example/1.mp4',
          },
        ],
      },
    });
    expect(fake.requests.at(-1)).toMatchObject({
      action: 'SearchMedia',
      error: '',
      body: { ClassIds: [3], Offset: 0, Limit: 20, Sort: { Order: 'Desc' } },
    });
  });

  it('GetVideoInfo is carried out with DescribeMediaInfos', async () => {
    const r = await proxy({ Action: 'GetVideoInfo', fileId: '5285485487985271487', 'infoFilter.0': 'transcodeInfo' });
    expect(r.data).toEqual({
      code: 0,
      message: '',
      transcodeInfo: {
        transcodeList: [
          {
            url: 'http://vod.example/1.f20.mp4',
            definition: 20,
            bitrate: 500,
            height: 360,
            width: 640,
            size: 100,
            duration: 61.5,
            container: 'mp4',
            md5: 'abc',
          },
        ],
      },
    });
  });

  it("filters what the whole account holds down to the caller's media (file id / video id / bound URL)", async () => {
    const list = async (tok: string) =>
      (
        await s.call<{ fileSet: { fileId: string }[]; totalCount: number }>('vod/cmd_proxy', {
          token: tok,
          method: 'GET',
          host: HOST,
          path: PATH,
          params: { Action: 'DescribeVodInfo' },
        })
      ).data!;
    const stu = await list(token);
    expect(stu.fileSet.map((f) => f.fileId)).toEqual(['5285485487985271487']);
    expect(stu.totalCount).toBe(1);
    expect((await list(teacherToken)).fileSet.map((f) => f.fileId)).toEqual([
      '5285485487985270001',
      '5285485487985271487',
    ]);
    const stranger = await signUp(s, 'stu7', 0);
    expect(await list(stranger)).toMatchObject({ totalCount: 0, fileSet: [] });
    const info = (tok: string, fileId: string) =>
      s.call('vod/cmd_proxy', {
        token: tok,
        method: 'GET',
        host: HOST,
        path: PATH,
        params: { Action: 'GetVideoInfo', fileId },
      });
    expect((await info(token, '5285485487985279999')).data).toEqual({
      code: 4000,
      codeDesc: 'InvalidParameter',
      message: 'file does not exist',
    });
    expect((await info(stranger, '5285485487985271487')).data).toMatchObject({ code: 4000 });
    expect((await info(teacherToken, '5285485487985270001')).data).toMatchObject({ code: 0 });
  });

  it('a Tencent error becomes 90000 with data {code, message}', async () => {
    fake.failNext('FailedOperation.InvalidVodUser', 'VOD service is not enabled.');
    expect(await proxy({ Action: 'DescribeVodInfo' })).toEqual({
      errorCode: 90000,
      errorInfo: 'VOD DescribeVodInfo: FailedOperation.InvalidVodUser',
      data: { code: 'FailedOperation.InvalidVodUser', message: 'VOD service is not enabled.' },
    });
  });

  it('never contacts a host the caller names: 10101 and neither the fake nor a trap server sees a request', async () => {
    const before = fake.requests.length;
    const trapHost = `127.0.0.1:${(trap.address() as AddressInfo).port}`;
    for (const host of [
      'evil.example',
      '127.0.0.1',
      trapHost,
      new URL(fake.endpoint).host,
      `${HOST}.evil.example`,
      `${HOST}:8080`,
      `http://${HOST}`,
      `${HOST}/`,
      'localhost',
    ]) {
      for (const Action of ['DescribeVodInfo', 'GetVideoInfo']) {
        expect((await proxy({ Action, fileId: '1' }, { host })).errorCode, host).toBe(10101);
      }
    }
    expect((await proxy({ Action: 'DescribeVodInfo' }, { path: `//${trapHost}/v2/index.php` })).errorCode).toBe(10101);
    expect(fake.requests.length).toBe(before);
    expect(trapHits).toBe(0);
  });

  it('malformed params never reach Tencent', async () => {
    const before = fake.requests.length;
    expect((await proxy({ Action: 'DescribeVodInfo', pageSize: 1000 })).errorCode).toBe(10003);
    expect((await proxy({ Action: 'GetVideoInfo' })).errorCode).toBe(10003);
    expect(fake.requests.length).toBe(before);
  });
});

describe('VOD_PROVIDER=tencent without keys', () => {
  it('refuses to start', () => {
    expect(() => createTestCtx({ VOD_PROVIDER: 'tencent' })).toThrow(ConfigError);
    expect(() => createTestCtx({ VOD_PROVIDER: 'tencent' })).toThrow(/TENCENT_SECRET_ID/);
    expect(() => createTestCtx({ ...KEYS, VOD_PROVIDER: 'tencent', VOD_ENDPOINT: 'ftp://x/y' })).toThrow(
      /VOD_ENDPOINT/,
    );
  });
});
