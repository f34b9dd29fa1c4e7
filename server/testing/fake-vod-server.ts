/**
 * Loopback stand-in for Tencent VOD API 3.0 (vod 2018-07-17), for tests only. It checks what the real service checks
 * (tencent-protocols.md §4c): POST /, JSON body, X-TC-Action / X-TC-Version / X-TC-Timestamp, and the
 * TC3-HMAC-SHA256 Authorization recomputed from the request as received (host line without the port, service from
 * the endpoint's first label, date from the timestamp, signed headers as listed). It answers SearchMedia and
 * DescribeMediaInfos from an in-memory media list, and returns Tencent-shaped errors (HTTP 200) when a check fails
 * or a test asks for one.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MediaInfo } from 'tencentcloud-sdk-nodejs-vod/tencentcloud/services/vod/v20180717/vod_models';

interface FakeVodRequest {
  action: string;
  body: Record<string, unknown>;
  /** Tencent error code the fake answered with, or '' on success. */
  error: string;
}

export interface FakeVodServer {
  /** `http://127.0.0.1:<port>`: give it to VOD_ENDPOINT. */
  endpoint: string;
  /** Every request that reached the fake, in order. */
  requests: FakeVodRequest[];
  /** The account's media files (tests replace or push). */
  media: MediaInfo[];
  /** The next request is answered with this Tencent error instead. */
  failNext(code: string, message: string): void;
  close(): Promise<void>;
}

const VERSION = '2018-07-17';
const MAX_SKEW_S = 300;

const sha256hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const hmac = (key: string | Buffer, msg: string) => createHmac('sha256', key).update(msg).digest();

class TcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Recomputes the TC3 signature the way the API gateway does; throws TcError (AuthFailure.*) when it differs. */
function verifyTc3(req: http.IncomingMessage, body: Buffer, secretId: string, secretKey: string): void {
  const auth = req.headers.authorization ?? '';
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) throw new TcError('AuthFailure.SignatureFailure', 'Authorization header is malformed');
  const [, id, date, service, signedHeaders, signature] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (id !== secretId) throw new TcError('AuthFailure.SecretIdNotFound', 'The SecretId is not found');
  const ts = Number(req.headers['x-tc-timestamp']);
  if (!Number.isInteger(ts)) throw new TcError('MissingParameter', 'X-TC-Timestamp is missing');
  if (Math.abs(Math.floor(Date.now() / 1000) - ts) > MAX_SKEW_S)
    throw new TcError('AuthFailure.SignatureExpire', 'Signature expired');
  if (new Date(ts * 1000).toISOString().slice(0, 10) !== date)
    throw new TcError('AuthFailure.SignatureFailure', 'credential date does not match the timestamp');
  const hostname = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (service !== hostname.split('.')[0])
    throw new TcError('AuthFailure.SignatureFailure', 'credential service does not match the endpoint');
  const names = signedHeaders.split(';');
  if (!names.includes('content-type') || !names.includes('host'))
    throw new TcError('AuthFailure.SignatureFailure', 'content-type and host must be signed');
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${
          n === 'host'
            ? hostname
            : String(req.headers[n] ?? '')
                .trim()
                .toLowerCase()
        }\n`,
    )
    .join('');
  const url = new URL(req.url ?? '/', 'http://x');
  const canonical = [
    req.method,
    url.pathname,
    url.search.slice(1),
    canonicalHeaders,
    signedHeaders,
    sha256hex(body),
  ].join('\n');
  const stringToSign = `TC3-HMAC-SHA256\n${ts}\n${date}/${service}/tc3_request\n${sha256hex(canonical)}`;
  const kSigning = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
  if (createHmac('sha256', kSigning).update(stringToSign).digest('hex') !== signature) {
    throw new TcError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated');
  }
}

function strArray(v: unknown, name: string, max: number): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string') || v.length > max) {
    throw new TcError('InvalidParameterValue', `${name} must be an array of at most ${max} strings`);
  }
  return v as string[];
}

/** Keeps only the parts DescribeMediaInfos/SearchMedia `Filters` ask for (all when none). */
function project(m: MediaInfo, filters: string[] | undefined): MediaInfo {
  if (!filters || filters.length === 0) return m;
  return {
    FileId: m.FileId,
    ...(filters.includes('basicInfo') ? { BasicInfo: m.BasicInfo } : {}),
    ...(filters.includes('metaData') ? { MetaData: m.MetaData } : {}),
    ...(filters.includes('transcodeInfo') ? { TranscodeInfo: m.TranscodeInfo } : {}),
  };
}

function searchMedia(media: MediaInfo[], b: Record<string, unknown>): Record<string, unknown> {
  const fileIds = strArray(b.FileIds, 'FileIds', 10);
  const status = strArray(b.Status, 'Status', 10);
  const offset = b.Offset === undefined ? 0 : Number(b.Offset);
  const limit = b.Limit === undefined ? 10 : Number(b.Limit);
  if (!Number.isInteger(offset) || !Number.isInteger(limit) || offset < 0 || limit < 1 || offset + limit > 5000) {
    throw new TcError('InvalidParameterValue.Limit', 'Offset + Limit must not exceed 5000');
  }
  const range = (b.CreateTime ?? {}) as { After?: string; Before?: string };
  const classIds = b.ClassIds as number[] | undefined;
  const sort = (b.Sort ?? { Field: 'CreateTime', Order: 'Desc' }) as { Field: string; Order: string };
  let list = media.filter(
    (m) =>
      (!fileIds || fileIds.includes(m.FileId ?? '')) &&
      (!status || status.includes(m.BasicInfo?.Status ?? '')) &&
      (!classIds || classIds.includes(m.BasicInfo?.ClassId ?? 0)) &&
      (!range.After || Date.parse(m.BasicInfo?.CreateTime ?? '') >= Date.parse(range.After)) &&
      (!range.Before || Date.parse(m.BasicInfo?.CreateTime ?? '') <= Date.parse(range.Before)),
  );
  const dir = sort.Order === 'Asc' ? 1 : -1;
  list = [...list].sort(
    (x, y) => dir * (Date.parse(x.BasicInfo?.CreateTime ?? '') - Date.parse(y.BasicInfo?.CreateTime ?? '')),
  );
  const filters = strArray(b.Filters, 'Filters', 20);
  return { TotalCount: list.length, MediaInfoSet: list.slice(offset, offset + limit).map((m) => project(m, filters)) };
}

function describeMediaInfos(media: MediaInfo[], b: Record<string, unknown>): Record<string, unknown> {
  const fileIds = strArray(b.FileIds, 'FileIds', 20);
  if (!fileIds || fileIds.length === 0) throw new TcError('MissingParameter', 'FileIds is required');
  const filters = strArray(b.Filters, 'Filters', 20);
  const found = fileIds.map((id) => media.find((m) => m.FileId === id)).filter((m): m is MediaInfo => m !== undefined);
  return {
    MediaInfoSet: found.map((m) => project(m, filters)),
    NotExistFileIdSet: fileIds.filter((id) => !found.some((m) => m.FileId === id)),
  };
}

export async function startFakeVodServer(opts: {
  secretId: string;
  secretKey: string;
  media?: MediaInfo[];
}): Promise<FakeVodServer> {
  const requests: FakeVodRequest[] = [];
  const media: MediaInfo[] = opts.media ?? [];
  let injected: { code: string; message: string } | null = null;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const action = String(req.headers['x-tc-action'] ?? '');
      let body: Record<string, unknown> = {};
      let reply: Record<string, unknown>;
      try {
        if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/')
          throw new TcError('UnsupportedOperation', 'only POST / is served');
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
          throw new TcError('UnsupportedProtocol', 'JSON only');
        verifyTc3(req, raw, opts.secretId, opts.secretKey);
        if (req.headers['x-tc-version'] !== VERSION)
          throw new TcError('InvalidParameter', `X-TC-Version must be ${VERSION}`);
        try {
          body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          throw new TcError('InvalidParameter', 'body is not JSON');
        }
        if (injected) {
          const e = injected;
          injected = null;
          throw new TcError(e.code, e.message);
        }
        if (action === 'SearchMedia') reply = searchMedia(media, body);
        else if (action === 'DescribeMediaInfos') reply = describeMediaInfos(media, body);
        else throw new TcError('InvalidAction', `action ${action} is not served by this fake`);
        requests.push({ action, body, error: '' });
      } catch (e) {
        const err = e instanceof TcError ? e : new TcError('InternalError', String(e));
        requests.push({ action, body, error: err.code });
        reply = { Error: { Code: err.code, Message: err.message } };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: { ...reply, RequestId: randomUUID() } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    media,
    failNext(code, message) {
      injected = { code, message };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
