/**
 * Fuzz over real HTTP for the signing and VOD commands (cos/get_sign, vod/get_sign, vod/get_client_sign,
 * vod/cmd_proxy): valid bodies with at least one field replaced by a value that can never be valid, plus wholly
 * random bodies and non-JSON text. Every reply must be HTTP 200 JSON with a non-zero integer errorCode that is never
 * 90000, and the server must keep answering. Seeded PRNG: FUZZ_SEED=<n> replays a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng, randomText, sendRefused, type J, type Rng } from '../testing/fuzz';
import { signUp } from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { createTestCtx } from '../testing/test-ctx';

const SEED = Number(process.env.FUZZ_SEED ?? 20171013);
const CASES = 2000;
const PARALLEL = 8;

const ODD = [
  'é',
  '课',
  '😀',
  '\u0000',
  '\u200b',
  '\ud800',
  '\u202e',
  '\n',
  '"',
  '\\',
  '&',
  '=',
  '%2e%2e',
  '../',
  '__proto__',
  '<script>',
];

const str = (r: Rng, max: number): string => randomText(r, max, ODD, 0.4);

function anyValue(r: Rng, depth = 0): J {
  switch (r.int(depth > 4 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, 1, -1, 1.5, 2 ** 53, -(2 ** 63), 1e300, 10001]);
    case 3:
      return str(r, 30);
    case 4:
      return 'Q'.repeat(r.int(5000));
    case 5:
      return Array.from({ length: r.int(4) }, () => anyValue(r, depth + 1));
    default: {
      const o: { [k: string]: J } = {};
      for (let i = r.int(5); i > 0; i--)
        o[r.chance(0.2) ? r.pick(['__proto__', 'constructor', 'Action', 'SecretId', 'fileIds']) : str(r, 8)] = anyValue(
          r,
          depth + 1,
        );
      return o;
    }
  }
}

/** Never a valid 0/1 `type`. */
const badType = (r: Rng): J => r.pick<J>(['0', '1', 2, -1, 0.5, null, true, [0], { type: 0 }, '', 'multi']);
/** Never a safe file_path. */
const badPath = (r: Rng): J =>
  r.pick<J>([
    5,
    null,
    [],
    '',
    'no-slash.pdf',
    `/${str(r, 5)}/../x`,
    '/a/%2e%2e/b',
    '/a/%252e%252e/b',
    '/a\\b',
    '/a\u0000b',
    '/a//b',
    '/dir/',
    '/.hidden',
    `/${'x'.repeat(1100)}`,
    `/x${'\u0001'}`,
  ]);
const badBucket = (r: Rng): J =>
  r.pick<J>(['UPPER', 'a_b', '', '-x', 'x-', 'x'.repeat(64), 7, null, ['edu'], 'a b', `${str(r, 4)}Z`]);
/** Never GET/POST in any case. */
const badMethod = (r: Rng): J =>
  r.pick<J>(['PUT', 'DELETE', 'get ', '', 'G', null, 1, ['GET'], { m: 'GET' }, `X${str(r, 5)}`]);
/** Never an allowed host (the allowlist is vod.api.qcloud.com only). */
const badHost = (r: Rng): J =>
  r.pick<J>([
    'evil.example',
    '127.0.0.1',
    'localhost',
    'vod.api.qcloud.com.evil',
    'vod.api.qcloud.com:80',
    'http://vod.api.qcloud.com',
    '',
    null,
    3,
    [],
    `x${str(r, 10)}`,
  ]);
const badPath2 = (r: Rng): J =>
  r.pick<J>(['/v2/index.php/', '/v3/index.php', '', '//evil/v2/index.php', null, 1, `/${str(r, 10)}x`]);
/** Params that cannot be accepted: wrong shape, unsafe values or a disallowed / missing Action. */
const badParams = (r: Rng): J =>
  r.pick<J>([
    null,
    'Action=DescribeVodInfo',
    [{ Action: 'DescribeVodInfo' }],
    7,
    {},
    { Action: 'DeleteVodFile' },
    { Action: `x${str(r, 8)}` },
    { Action: 'DescribeVodInfo', Region: 'gz&Action=DeleteVodFile' },
    { Action: 'DescribeVodInfo', flag: true },
    { Action: 'DescribeVodInfo', n: null },
    { Action: 'DescribeVodInfo', a: { b: { c: { d: '1' } } } },
    { Action: 'DescribeVodInfo', 'k=v': '1' },
    { Action: 'DescribeVodInfo', a_b: '1', 'a.b': '2' },
    { Action: 'DescribeVodInfo', SignatureMethod: 'HmacMD5' },
    { Action: 'DescribeVodInfo', big: 'x'.repeat(2000) },
    Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`k${i}`, i])),
  ]);
/** Params that pass signing but are malformed for the proxy (so cmd_proxy answers 10003). */
const badProxyParams = (r: Rng): J =>
  r.pick<J>([
    { Action: 'DescribeVodInfo', pageSize: r.pick([0, 101, 'x', -3]) },
    { Action: 'DescribeVodInfo', pageNo: 9999 },
    { Action: 'DescribeVodInfo', from: str(r, 12) + 'x' },
    { Action: 'DescribeVodInfo', status: r.pick([0, 1, 3, 'normal']) },
    { Action: 'DescribeVodInfo', orderby: r.pick([2, -1, 'asc']) },
    { Action: 'DescribeVodInfo', fileIds: Array.from({ length: 11 }, (_, i) => `f${i}`) },
    { Action: 'DescribeVodInfo', fileIds: [`../${str(r, 3)}`] },
    { Action: 'GetVideoInfo' },
    { Action: 'GetVideoInfo', fileId: r.pick(['', '../x', 'a b', 'x'.repeat(65)]) },
    { Action: 'GetVideoInfo', fileId: '1', infoFilter: [r.pick(['drm', 'imageSpriteInfo', '', 'basicinfo'])] },
  ]);

type Field = 'token' | 'appid' | 'timeStamp' | 'type' | 'file_path' | 'bucket' | 'method' | 'host' | 'path' | 'params';
interface Spec {
  svcCmd: string;
  valid: (tok: string, appid: number) => Record<string, J>;
  fields: Partial<Record<Field, (r: Rng) => J>>;
}

const COMMON = {
  token: (r: Rng): J => r.pick<J>(['', null, 5, ['t'], `nope${str(r, 20)}`, 'T'.repeat(600)]),
  appid: (r: Rng): J => r.pick<J>([null, '1400000000.0', 1.5, 0, 1, -1, 'x', [1]]),
  // Decimal strings are valid (the 2017 clients send them), so no '123' here.
  timeStamp: (r: Rng): J => r.pick<J>([null, '12.3', 1.5, 'x', [1], {}]),
};
const V2 =
  (params: J) =>
  (tok: string, appid: number): Record<string, J> => ({
    token: tok,
    appid,
    timeStamp: 1,
    method: 'GET',
    host: 'vod.api.qcloud.com',
    path: '/v2/index.php',
    params,
  });

const SPECS: Spec[] = [
  {
    svcCmd: 'cos/get_sign',
    valid: (tok, appid) => ({
      token: tok,
      appid,
      timeStamp: 1,
      type: 1,
      bucket: 'edu',
      file_path: '/users/teacher1/a.pdf',
    }),
    fields: { ...COMMON, type: badType, file_path: badPath, bucket: badBucket },
  },
  {
    svcCmd: 'vod/get_sign',
    valid: V2({ Action: 'DescribeVodInfo', Nonce: 1, Timestamp: 2, Region: 'gz', SecretId: '' }),
    fields: { ...COMMON, method: badMethod, host: badHost, path: badPath2, params: badParams },
  },
  {
    svcCmd: 'vod/get_client_sign',
    valid: (tok, appid) => ({ token: tok, appid, timeStamp: 1 }),
    fields: { ...COMMON },
  },
  {
    svcCmd: 'vod/cmd_proxy',
    valid: V2({ Action: 'DescribeVodInfo', pageNo: 1, pageSize: 10 }),
    fields: {
      ...COMMON,
      method: badMethod,
      host: badHost,
      path: badPath2,
      params: (r) => (r.chance(0.5) ? badParams(r) : badProxyParams(r)),
    },
  },
];

interface Case {
  svcCmd: string;
  body: string;
  what: string;
}

function makeCase(r: Rng, tok: string, appid: number): Case {
  const spec = r.pick(SPECS);
  const kind = r.int(10);
  if (kind === 0) return { svcCmd: spec.svcCmd, body: JSON.stringify(anyValue(r)), what: 'random JSON' };
  if (kind === 1)
    return {
      svcCmd: spec.svcCmd,
      body: r.pick(['{', 'null', '[]', '"x"', '1e309', '{"a":}', str(r, 50) + '{']),
      what: 'not an object',
    };
  const body = spec.valid(tok, appid);
  const names = Object.keys(spec.fields) as Field[];
  const broken = new Set<Field>([r.pick(names)]);
  if (r.chance(0.3)) broken.add(r.pick(names));
  for (const f of broken) {
    // Deleting a field breaks the body only when it is required (bucket and timeStamp are optional; file_path is
    // required by type 1).
    if (r.chance(0.15) && f !== 'bucket' && f !== 'timeStamp') delete body[f];
    else body[f] = spec.fields[f]!(r);
  }
  // Noise keys never make an invalid body valid.
  if (r.chance(0.3)) body[str(r, 6) + 'n'] = anyValue(r);
  return { svcCmd: spec.svcCmd, body: JSON.stringify(body), what: `broken: ${[...broken].join(',')}` };
}

describe('signing/VOD fuzz over HTTP', () => {
  const ctx = createTestCtx({ TENCENT_SECRET_ID: 'AKIDEXAMPLE', TENCENT_SECRET_KEY: 'EXAMPLEKEY' });
  let s: LegacyTestServer;
  let token: string;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    token = await signUp(s, 'teacher1', 1);
  });
  afterAll(() => s.close());

  it(`${CASES} malformed requests: HTTP 200 JSON, non-zero errorCode, never 90000 (seed ${SEED})`, async () => {
    const r = prng(SEED);
    const cases = Array.from({ length: CASES }, () => makeCase(r, token, ctx.env.SDKAPPID));
    const counts = await sendRefused(
      s,
      cases,
      PARALLEL,
      (c, i, reply) => `case ${i} (${c.svcCmd}, ${c.what}): ${c.body.slice(0, 300)} → ${reply}`,
    );
    // The fuzz reached past the common checks into each command's own validation and allowlists.
    expect([...counts.keys()].sort()).toEqual(expect.arrayContaining([10002, 10003, 10009, 10101]));
    // Still answering afterwards.
    expect((await s.call('vod/get_client_sign', { token })).errorCode).toBe(0);
  });
});
