/**
 * Tencent COS storage provider through cos-nodejs-sdk-v5 (putObject, headObject, getObjectUrl). The endpoint comes
 * from config only (COS_ENDPOINT overrides the bucket domain so tests aim the real SDK at a loopback fake).
 * Signatures use the SDK's own clock: a real COS checks them against real time, whatever clock the services use.
 */
import COS from 'cos-nodejs-sdk-v5';
import { safeObjectKey } from './keys';
import { checkExpires } from './local';
import { StorageError, type StorageProvider } from './types';

export interface CosStorageConfig {
  secretId: string;
  secretKey: string;
  /** `name-appid`. */
  bucket: string;
  region: string;
  /** Optional domain override: `http://127.0.0.1:9000` or `cdn.example.com` (https assumed without a scheme). */
  endpoint?: string;
  timeoutMs?: number;
}

/** Splits COS_ENDPOINT into the SDK's Domain and Protocol options. */
export function cosEndpointOptions(endpoint: string | undefined): { Domain?: string; Protocol?: 'http:' | 'https:' } {
  if (!endpoint) return {};
  const m = /^(https?):\/\/(.+?)\/*$/i.exec(endpoint);
  if (m) return { Domain: m[2]!, Protocol: m[1]!.toLowerCase() === 'http' ? 'http:' : 'https:' };
  return { Domain: endpoint.replace(/\/+$/, ''), Protocol: 'https:' };
}

interface SdkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

function storageError(op: string, e: unknown): StorageError {
  const err = (e ?? {}) as SdkError;
  return new StorageError(`COS ${op}: ${err.code ?? ''} ${err.message ?? String(e)}`.trim(), err.statusCode);
}

export function createCosStorage(cfg: CosStorageConfig): StorageProvider {
  const endpoint = cosEndpointOptions(cfg.endpoint);
  const cos = new COS({
    SecretId: cfg.secretId,
    SecretKey: cfg.secretKey,
    Timeout: cfg.timeoutMs ?? 60_000,
    ...endpoint,
  });
  const where = (key: string) => ({ Bucket: cfg.bucket, Region: cfg.region, Key: safeObjectKey(key) });
  return {
    name: 'tencent',
    async putObject(key, body, opts) {
      const at = where(key);
      try {
        await cos.putObject({ ...at, Body: body, ContentType: opts.contentType, ContentLength: body.length });
      } catch (e) {
        throw storageError('putObject', e);
      }
    },
    presignPut(key, opts) {
      const expires = checkExpires(opts.expiresS);
      const headers: Record<string, string> = opts.contentType ? { 'Content-Type': opts.contentType } : {};
      // Synchronous form: the URL carries the v5 authorization (host always signed, plus Content-Type when given).
      const url = cos.getObjectUrl({
        ...where(key),
        Method: 'PUT',
        Expires: expires,
        Sign: true,
        ...(opts.contentType ? { Headers: headers } : {}),
      });
      return { url, method: 'PUT', headers };
    },
    publicUrl(key) {
      return cos.getObjectUrl({ ...where(key), Sign: false });
    },
    async stat(key) {
      const at = where(key);
      try {
        const r = await cos.headObject(at);
        const h = (r.headers ?? {}) as Record<string, string | undefined>;
        return { size: Number(h['content-length'] ?? 0), contentType: h['content-type'] ?? 'application/octet-stream' };
      } catch (e) {
        if ((e as SdkError | null)?.statusCode === 404) return null;
        throw storageError('headObject', e);
      }
    },
  };
}
