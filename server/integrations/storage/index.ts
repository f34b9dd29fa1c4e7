/**
 * Picks the storage provider: STORAGE_PROVIDER `local` (default: files under STORAGE_DIR served by this app) or
 * `tencent` (COS), which refuses to start without TENCENT_SECRET_ID/KEY, COS_BUCKET and COS_REGION.
 */
import type { Db } from '../../../db/client';
import type { Clock } from '../../clock';
import { ConfigError } from '../../errors';
import type { CloudCredentials } from '../../secrets';
import { publicBaseUrl, type Env } from '../../env';
import { createCosStorage } from './cos';
import { createLocalFiles } from './local-files';
import { createLocalStorage } from './local';
import type { StorageProvider } from './types';

export type { StorageProvider } from './types';
export { localFilesOf } from './local';

export function createStorage(env: Env, db: Db, clock: Clock, cloud: CloudCredentials): StorageProvider {
  const provider = env.STORAGE_PROVIDER ?? 'local';
  if (provider === 'local') {
    return createLocalStorage({
      files: createLocalFiles(env.STORAGE_DIR, db, clock),
      publicBaseUrl: publicBaseUrl(env),
      cloud,
      clock,
    });
  }
  const missing = (['TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY', 'COS_BUCKET', 'COS_REGION'] as const).filter(
    (k) => !env[k],
  );
  if (missing.length > 0) {
    throw new ConfigError(`STORAGE_PROVIDER=tencent needs ${missing.join(', ')}; refusing to start.`);
  }
  return createCosStorage({
    secretId: env.TENCENT_SECRET_ID!,
    secretKey: env.TENCENT_SECRET_KEY!,
    bucket: env.COS_BUCKET!,
    region: env.COS_REGION!,
    endpoint: env.COS_ENDPOINT,
  });
}
