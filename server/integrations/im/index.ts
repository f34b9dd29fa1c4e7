/**
 * Picks the IM provider: IM_PROVIDER `local` (default: the in-database group log, no Tencent account) or `tencent`
 * (REST v4, signed with the admin's UserSig), which refuses to start without IM_SECRET_KEY. Both write the same
 * message log (message-log.ts), so MsgSeq and history work the same either way.
 */
import type { Db } from '../../../db/client';
import type { Clock } from '../../clock';
import type { Env } from '../../env';
import { ConfigError } from '../../errors';
import type { Logger } from '../../logger';
import type { Random } from '../../random';
import type { UserSigSigner } from '../usersig';
import { createLocalIm } from './local';
import { createMessageLog } from './message-log';
import { createTencentIm } from './tencent';
import type { ImProvider } from './types';

export function createIm(
  env: Env,
  db: Db,
  clock: Clock,
  random: Random,
  log: Logger,
  usersig: UserSigSigner,
): ImProvider {
  const messageLog = createMessageLog(db);
  const provider = env.IM_PROVIDER ?? 'local';
  if (provider === 'local') return createLocalIm(messageLog, clock, random, env.IM_ADMIN);
  if (!env.IM_SECRET_KEY) {
    throw new ConfigError('IM_PROVIDER=tencent needs IM_SECRET_KEY (the IM app key) and SDKAPPID; refusing to start.');
  }
  return createTencentIm(
    { apiBase: env.IM_API_BASE, sdkappid: env.SDKAPPID, admin: env.IM_ADMIN, signer: usersig, random },
    messageLog,
    log,
  );
}
