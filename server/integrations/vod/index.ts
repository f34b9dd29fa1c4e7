/**
 * Picks the VOD provider behind vod/cmd_proxy: VOD_PROVIDER `local` (default: answers from this server's recordings
 * and bound videos) or `tencent` (VOD API 3.0), which refuses to start without TENCENT_SECRET_ID/KEY or with a
 * malformed VOD_ENDPOINT.
 */
import type { Env } from '../../env';
import { ConfigError } from '../../errors';
import { createLocalVod, type LocalVodFiles } from './local';
import { createTencentVod } from './tencent';
import type { VodProvider } from './types';

/** `files`: where the local provider finds recordings and bound videos (services/media-files.ts over the database). */
export function createVod(env: Env, files: LocalVodFiles): VodProvider {
  if ((env.VOD_PROVIDER ?? 'local') === 'local') return createLocalVod(files);
  if (!env.TENCENT_SECRET_ID || !env.TENCENT_SECRET_KEY) {
    throw new ConfigError('VOD_PROVIDER=tencent needs TENCENT_SECRET_ID and TENCENT_SECRET_KEY; refusing to start.');
  }
  try {
    return createTencentVod({
      secretId: env.TENCENT_SECRET_ID,
      secretKey: env.TENCENT_SECRET_KEY,
      region: env.VOD_REGION,
      endpoint: env.VOD_ENDPOINT,
    });
  } catch (e) {
    throw new ConfigError(`VOD_PROVIDER=tencent: ${(e as Error).message}`);
  }
}
