/**
 * A loopback stand-in for one COS bucket (XML API v5), for tests of the real cos-nodejs-sdk-v5 client. It checks
 * what COS checks on PUT/HEAD/DELETE: the v5 Authorization (header or presigned query) over the method, the decoded
 * path, the signed query parameters and headers — the Host header exactly as received, port included — the key time,
 * and the SecretId; it answers with COS-shaped XML errors and headers (ETag, x-cos-request-id). GET is public-read,
 * like a bucket serving playback files. Objects live in memory. Every request is recorded for assertions.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyV5Request } from '../integrations/storage/cos-v5-auth';

interface FakeCosRequest {
  method: string;
  key: string;
  host: string;
  /** Which authorization form the request used. */
  auth: 'header' | 'query' | 'none';
  status: number;
  errorCode?: string;
}

interface FakeCosObject {
  body: Buffer;
  contentType: string;
}

export interface FakeCosServer {
  /** `http://127.0.0.1:<port>`: use as COS_ENDPOINT. */
  endpoint: string;
  host: string;
  objects: Map<string, FakeCosObject>;
  requests: FakeCosRequest[];
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

export async function startFakeCosServer(opts: {
  secretId: string;
  secretKey: string;
  nowS?: () => number;
}): Promise<FakeCosServer> {
  const objects = new Map<string, FakeCosObject>();
  const requests: FakeCosRequest[] = [];
  const nowS = opts.nowS ?? (() => Math.floor(Date.now() / 1000));

  const server = http.createServer((req, res) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const rawPath = q < 0 ? raw : raw.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: FakeCosRequest = {
      method,
      key: '',
      host: req.headers.host ?? '',
      auth: req.headers.authorization ? 'header' : query.has('q-signature') ? 'query' : 'none',
      status: 0,
    };
    requests.push(entry);
    const requestId = randomUUID();
    const reply = (status: number, headers: Record<string, string> = {}, body?: Buffer | string) => {
      entry.status = status;
      res.writeHead(status, { 'x-cos-request-id': requestId, Server: 'tencent-cos', ...headers });
      res.end(method === 'HEAD' ? undefined : body);
    };
    const error = (status: number, code: string, message: string) => {
      entry.errorCode = code;
      req.resume();
      reply(
        status,
        { 'Content-Type': 'application/xml' },
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<>&]/g, '')}</Message>` +
          `<Resource>${entry.host}${rawPath}</Resource><RequestId>${requestId}</RequestId></Error>`,
      );
    };

    let key: string;
    try {
      key = decodeURIComponent(rawPath.replace(/^\//, ''));
    } catch {
      return error(400, 'InvalidURI', 'Could not parse the specified URI.');
    }
    entry.key = key;
    if (key === '') return error(400, 'InvalidArgument', 'bucket listing is not supported by this fake');

    const needsAuth = method !== 'GET' || entry.auth !== 'none';
    if (needsAuth) {
      const v = verifyV5Request(
        { method, pathname: `/${key}`, query, headers: req.headers },
        { secretKeyOf: (id) => (id === opts.secretId ? opts.secretKey : undefined), nowS: nowS() },
      );
      if (!v.ok) return error(v.status, v.code, v.message);
    }

    if (method === 'PUT') {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) tooLarge = true;
        else chunks.push(c);
      });
      req.on('end', () => {
        if (tooLarge)
          return error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.');
        const body = Buffer.concat(chunks);
        const contentType = req.headers['content-type'] ?? 'application/octet-stream';
        objects.set(key, { body, contentType });
        reply(200, { ETag: `"${createHash('md5').update(body).digest('hex')}"`, 'Content-Length': '0' });
      });
      return;
    }
    if (method === 'GET' || method === 'HEAD') {
      const o = objects.get(key);
      if (!o) return error(404, 'NoSuchKey', 'The specified key does not exist.');
      return reply(
        200,
        {
          'Content-Type': o.contentType,
          'Content-Length': String(o.body.length),
          ETag: `"${createHash('md5').update(o.body).digest('hex')}"`,
        },
        o.body,
      );
    }
    if (method === 'DELETE') {
      objects.delete(key);
      return reply(204);
    }
    return error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    objects,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
