/**
 * The /storage/<key> route of the local storage provider, at node level (not through Next: large files stream
 * straight from disk). GET/HEAD serve objects with single byte ranges (206/416), conditional requests, their stored
 * Content-Type and `nosniff`; only types that cannot run script are shown inline. PUT takes a direct client upload
 * authorized exactly as COS does it — a v5 signature (presigned query or Authorization header) over the method,
 * `/<key>`, the Host header as received and the other signed headers, within its key time, by our SecretId — streams
 * the body to disk under UPLOAD_MAX_BYTES, renames it into place and records it in stored_objects.
 * Errors are COS-style XML with the right status; never a stack trace.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ServiceCtx } from '../context';
import { isAppError } from '../errors';
import { verifyV5Request } from '../integrations/storage/cos-v5-auth';
import { isRetiredPlaybackKey, safeObjectKey } from '../integrations/storage/keys';
import { localFilesOf } from '../integrations/storage/local';
import type { LocalFiles } from '../integrations/storage/local-files';
import { contentTypeOf, isInlineSafe, normalizeContentType } from '../integrations/storage/mime';
import { parseRange } from './range';

export const STORAGE_PREFIX = '/storage/';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, PUT, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Content-MD5, Range, If-Range, If-None-Match',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, ETag, Accept-Ranges',
  'Access-Control-Max-Age': '86400',
};

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  resource: string,
  extra: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
    `<Resource>${xmlEscape(resource)}</Resource><RequestId>${randomUUID()}</RequestId></Error>`;
  res.writeHead(status, {
    ...CORS,
    'Content-Type': 'application/xml',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

/** The raw (still percent-encoded) key part of the request target, or null when the target is not under /storage/. */
function rawKeyOf(reqUrl: string): { rawKey: string; query: string } | null {
  const q = reqUrl.indexOf('?');
  const rawPath = q < 0 ? reqUrl : reqUrl.slice(0, q);
  if (!rawPath.startsWith(STORAGE_PREFIX)) return null;
  return { rawKey: rawPath.slice(STORAGE_PREFIX.length), query: q < 0 ? '' : reqUrl.slice(q + 1) };
}

/** `filename*=` per RFC 6266/5987 for the object's last segment. */
function disposition(kind: 'inline' | 'attachment', key: string): string {
  const name = path.posix.basename(key);
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function createStorageHandler(ctx: ServiceCtx) {
  // The local provider's own files (null with COS: then every request is answered 404 below).
  const files = localFilesOf(ctx.storage);
  const maxBytes = ctx.env.UPLOAD_MAX_BYTES;
  if (files) {
    // Temp files of uploads cut off by a crash; an hour is far longer than any upload still in progress elsewhere.
    files
      .sweepTemp(3600_000)
      .then((n) => n > 0 && ctx.log.info({ removed: n }, 'storage: removed stale temp files'))
      .catch(() => undefined);
  }

  /** `download`: the query asked for `download=1` (console "Download" links): always an attachment. */
  async function serve(
    files: LocalFiles,
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    download: boolean,
  ): Promise<void> {
    const st = await files.stat(key);
    if (!st) return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.', `/${key}`);
    const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const inline = !download && isInlineSafe(st.contentType);
    const headers: Record<string, string> = {
      ...CORS,
      'Content-Type': st.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Accept-Ranges': 'bytes',
      ETag: etag,
      'Last-Modified': new Date(st.mtimeMs).toUTCString(),
      'Cache-Control': 'no-cache',
      'Content-Disposition': disposition(inline ? 'inline' : 'attachment', key),
    };
    // A sandboxing CSP for everything except PDF (browsers' PDF viewers refuse to run in a sandboxed document).
    if (!st.contentType.startsWith('application/pdf'))
      headers['Content-Security-Policy'] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox";
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const ifRange = req.headers['if-range'];
    const range =
      ifRange !== undefined && ifRange !== etag ? ({ kind: 'full' } as const) : parseRange(req.headers.range, st.size);
    if (range.kind === 'unsatisfiable') {
      return sendError(res, 416, 'InvalidRange', 'The requested range is not satisfiable', `/${key}`, {
        'Content-Range': `bytes */${st.size}`,
      });
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, st.size - 1];
    const length = st.size === 0 ? 0 : end - start + 1;
    headers['Content-Length'] = String(length);
    if (range.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
    res.writeHead(range.kind === 'partial' ? 206 : 200, headers);
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    // O_NOFOLLOW: a link swapped in after the stat above is still not followed.
    const fh = await fs.promises.open(st.path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    await pipeline(fh.createReadStream({ start, end }), res);
  }

  async function upload(
    files: LocalFiles,
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    query: string,
  ): Promise<void> {
    const resource = `/${key}`;
    const auth = verifyV5Request(
      { method: 'PUT', pathname: resource, query: new URLSearchParams(query), headers: req.headers },
      {
        secretKeyOf: (id) => (id === ctx.cloud.secretId ? ctx.cloud.secretKey : undefined),
        nowS: ctx.clock.nowS(),
        requireSignedHeaders: ['host'],
      },
    );
    if (!auth.ok) {
      ctx.log.warn({ key, code: auth.code, reason: auth.message }, 'storage upload refused');
      return refuseBody(req, res, auth.status, auth.code, auth.message, resource);
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) {
      return refuseBody(
        req,
        res,
        413,
        'EntityTooLarge',
        `Your proposed upload exceeds the maximum allowed size (${maxBytes} bytes)`,
        resource,
      );
    }
    const declaredType = req.headers['content-type'];
    const contentType = declaredType === undefined ? contentTypeOf(key) : normalizeContentType(declaredType);
    if (contentType === null)
      return refuseBody(req, res, 400, 'InvalidArgument', 'Content-Type is malformed', resource);
    const md5Header = req.headers['content-md5'];
    let written;
    try {
      // destroyOnReturn false: stopping early (too large) must not kill the socket before the 413 is sent.
      const body = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
      written = await files.write(key, body, {
        contentType,
        maxBytes,
        contentMd5Base64: typeof md5Header === 'string' ? md5Header : undefined,
      });
    } catch (e) {
      if (isAppError(e) && e.code === 'TOO_LARGE') {
        return refuseBody(
          req,
          res,
          413,
          'EntityTooLarge',
          `Your upload exceeds the maximum allowed size (${maxBytes} bytes)`,
          resource,
        );
      }
      if (isAppError(e) && e.code === 'BAD_INPUT') {
        return refuseBody(
          req,
          res,
          400,
          e.message.startsWith('Content-MD5') ? 'BadDigest' : 'InvalidArgument',
          e.message,
          resource,
        );
      }
      if (req.destroyed || req.readableAborted) return; // the client went away mid-upload; the temp file is gone
      throw e;
    }
    ctx.log.info({ key, size: written.size, contentType }, 'storage upload');
    res.writeHead(200, { ...CORS, ETag: `"${written.md5}"`, 'Content-Length': '0' });
    res.end();
  }

  /** Answers an error before/while a body arrives: the rest is discarded (never buffered), then the connection closes. */
  function refuseBody(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    resource: string,
  ): void {
    sendError(res, status, code, message, resource, { Connection: 'close' });
    if (!req.complete) {
      req.resume();
      // A client that keeps streaming a huge body after being refused is cut off.
      setTimeout(() => req.destroy(), 10_000).unref();
    }
  }

  return async function handleStorage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (!files) {
      return refuseBody(req, res, 404, 'NoSuchBucket', 'Objects are stored in COS (STORAGE_PROVIDER=tencent)', '/');
    }
    const target = rawKeyOf(req.url ?? '/');
    if (!target) return refuseBody(req, res, 404, 'NoSuchKey', 'Not found', '/');
    if (method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    let key: string;
    try {
      key = safeObjectKey(decodeURIComponent(target.rawKey));
    } catch (e) {
      const message = isAppError(e) ? e.message : 'key: malformed percent-encoding';
      return refuseBody(req, res, 400, 'InvalidURI', message, '/');
    }
    if (method === 'GET' || method === 'HEAD') {
      if (isRetiredPlaybackKey(key))
        return refuseBody(req, res, 404, 'NoSuchKey', 'The specified key does not exist.', `/${key}`);
      return serve(files, req, res, key, new URLSearchParams(target.query).get('download') === '1');
    }
    if (method === 'PUT') return upload(files, req, res, key, target.query);
    return refuseBody(req, res, 405, 'MethodNotAllowed', `${method} is not allowed on objects here`, `/${key}`);
  };
}
