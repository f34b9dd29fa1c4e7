/**
 * Local storage provider (the default, offline): objects are files under STORAGE_DIR, served and uploaded through this
 * app's /storage/<key> route. Upload URLs are presigned exactly like COS ones — cos-nodejs-sdk-v5's getAuthorization
 * over PUT, `/<key>` and the Host of PUBLIC_BASE_URL, with the configured TENCENT_* keys (or the pair generated into the secrets file) — so
 * clients and the route exercise the same v5 signature code path as real COS.
 */
import COS from 'cos-nodejs-sdk-v5';
import type { Clock } from '../../clock';
import type { CloudCredentials } from '../../secrets';
import { AppError } from '../../errors';
import { encodeKeyPath, safeObjectKey } from './keys';
import type { LocalFiles } from './local-files';
import type { StorageProvider } from './types';

/** Longest presigned upload this server issues (COS itself allows long-lived signatures; a week is plenty). */
const MAX_PRESIGN_S = 7 * 86400;

interface LocalStorageConfig {
  files: LocalFiles;
  /** Base URL clients reach this server at (no trailing slash). */
  publicBaseUrl: string;
  cloud: CloudCredentials;
  clock: Clock;
}

export function checkExpires(expiresS: number): number {
  if (!Number.isInteger(expiresS) || expiresS < 1 || expiresS > MAX_PRESIGN_S) {
    throw new AppError('BAD_INPUT', `expiresS: must be an integer from 1 to ${MAX_PRESIGN_S}`);
  }
  return expiresS;
}

/** The local provider, with the files it keeps: the /storage/ route serves and stores them, a deletion removes one. */
export interface LocalStorageProvider extends StorageProvider {
  readonly name: 'local';
  readonly files: LocalFiles;
}

/** The files of a local storage provider; null for COS (its objects are not this server's files). */
export function localFilesOf(storage: StorageProvider): LocalFiles | null {
  return storage.name === 'local' && 'files' in storage ? (storage as LocalStorageProvider).files : null;
}

export function createLocalStorage(cfg: LocalStorageConfig): LocalStorageProvider {
  const host = new URL(cfg.publicBaseUrl).host;
  const base = `${cfg.publicBaseUrl}/storage/`;
  return {
    name: 'local',
    files: cfg.files,
    async putObject(key, body, opts) {
      await cfg.files.write(key, body, { contentType: opts.contentType });
    },
    presignPut(key, opts) {
      safeObjectKey(key);
      const expires = checkExpires(opts.expiresS);
      const now = cfg.clock.nowS();
      const signed: Record<string, string> = { Host: host };
      const headers: Record<string, string> = {};
      if (opts.contentType) {
        signed['Content-Type'] = opts.contentType;
        headers['Content-Type'] = opts.contentType;
      }
      // KeyTime from the injected clock (start one second early, as the SDK does), so the route's check agrees.
      const auth = COS.getAuthorization({
        SecretId: cfg.cloud.secretId,
        SecretKey: cfg.cloud.secretKey,
        Method: 'PUT',
        Key: key,
        Headers: signed,
        KeyTime: `${now - 1};${now + expires}`,
      });
      return { url: `${base}${encodeKeyPath(key)}?${auth}`, method: 'PUT', headers };
    },
    publicUrl(key, requestBase) {
      return `${requestBase === undefined ? base : `${requestBase}/storage/`}${encodeKeyPath(safeObjectKey(key))}`;
    },
    async stat(key) {
      const st = await cfg.files.stat(key);
      return st ? { size: st.size, contentType: st.contentType } : null;
    },
  };
}
