/**
 * ServiceCtx: everything a service needs, built once per process and passed explicitly (no singletons inside
 * services), so tests build one over a temp database, local providers and a fixed clock.
 */
import { openDb, type Db } from '../db/client';
import { DEV_IM_SECRET_KEY, DEV_SECRET_ID, DEV_SECRET_KEY, DEV_TENCENT_APPID, databasePath, type Env } from './env';
import { systemClock, type Clock } from './clock';
import { createLogger, type Logger } from './logger';
import { createMessageLog } from './integrations/im/message-log';
import { createLocalIm } from './integrations/im/local';
import { createTencentIm } from './integrations/im/tencent';
import type { ImProvider } from './integrations/im/types';
import { createUserSigSigner, type UserSigSigner } from './integrations/usersig';
import { createStorage, type StorageProvider } from './integrations/storage';
import { createLocalVod } from './integrations/vod/local';
import { createTencentVod } from './integrations/vod/tencent';
import type { VodProvider } from './integrations/vod/types';

export interface ServiceCtx {
  env: Env;
  db: Db;
  clock: Clock;
  log: Logger;
  im: ImProvider;
  /** Signs UserSigs for users (login) with IM_SECRET_KEY. */
  usersig: UserSigSigner;
  /** Cloud API credentials for COS/VOD signing: the configured TENCENT_* keys, or the logged development key. */
  cloud: CloudCredentials;
  /** Object storage (courseware uploads, playback indexes): local files served at /storage/, or Tencent COS. */
  storage: StorageProvider;
  /** Answers the legacy VOD proxy (vod/cmd_proxy): local (recordings + bound videos) or Tencent VOD API 3.0. */
  vod: VodProvider;
}

export interface CloudCredentials {
  appid: number;
  secretId: string;
  secretKey: string;
  /** True when no TENCENT_SECRET_ID/KEY are configured and the public development key signs instead. */
  isDev: boolean;
}

export function cloudCredentials(env: Env): CloudCredentials {
  if (env.TENCENT_SECRET_ID && env.TENCENT_SECRET_KEY) {
    return { appid: env.TENCENT_APPID ?? DEV_TENCENT_APPID, secretId: env.TENCENT_SECRET_ID, secretKey: env.TENCENT_SECRET_KEY, isDev: false };
  }
  return { appid: env.TENCENT_APPID ?? DEV_TENCENT_APPID, secretId: DEV_SECRET_ID, secretKey: DEV_SECRET_KEY, isDev: true };
}

export class ConfigError extends Error {}

export interface CtxOverrides {
  db?: Db;
  clock?: Clock;
  log?: Logger;
  im?: ImProvider;
  storage?: StorageProvider;
  vod?: VodProvider;
}

/** Builds the context; throws ConfigError when a chosen `tencent` provider lacks its settings. */
export function createServiceCtx(env: Env, overrides: CtxOverrides = {}): ServiceCtx {
  const log = overrides.log ?? createLogger(env.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  const db = overrides.db ?? openDb(databasePath(env.DATABASE_URL));
  const imKey = env.IM_SECRET_KEY ?? DEV_IM_SECRET_KEY;
  const usersig = createUserSigSigner(env.SDKAPPID, imKey, env.USERSIG_EXPIRE_S);
  const im = overrides.im ?? createIm(env, db, clock, log, usersig);
  const vod = overrides.vod ?? createVod(env, db);
  const cloud = cloudCredentials(env);
  const storage = overrides.storage ?? createStorage(env, db, clock, cloud);
  return { env, db, clock, log, im, usersig, cloud, vod, storage };
}

function createIm(env: Env, db: Db, clock: Clock, log: Logger, usersig: UserSigSigner): ImProvider {
  const messageLog = createMessageLog(db);
  const provider = env.IM_PROVIDER ?? 'local';
  if (provider === 'local') return createLocalIm(messageLog, clock, env.IM_ADMIN);
  if (!env.IM_SECRET_KEY) {
    throw new ConfigError('IM_PROVIDER=tencent needs IM_SECRET_KEY (the IM app key) and SDKAPPID; refusing to start.');
  }
  return createTencentIm({ apiBase: env.IM_API_BASE, sdkappid: env.SDKAPPID, admin: env.IM_ADMIN, signer: usersig }, messageLog, log);
}

function createVod(env: Env, db: Db): VodProvider {
  if ((env.VOD_PROVIDER ?? 'local') === 'local') return createLocalVod(db);
  if (!env.TENCENT_SECRET_ID || !env.TENCENT_SECRET_KEY) {
    throw new ConfigError('VOD_PROVIDER=tencent needs TENCENT_SECRET_ID and TENCENT_SECRET_KEY; refusing to start.');
  }
  try {
    return createTencentVod({ secretId: env.TENCENT_SECRET_ID, secretKey: env.TENCENT_SECRET_KEY, region: env.VOD_REGION, endpoint: env.VOD_ENDPOINT });
  } catch (e) {
    throw new ConfigError(`VOD_PROVIDER=tencent: ${(e as Error).message}`);
  }
}

/** One line per integration at start: which provider, and loud warnings for development keys. */
export function logProviders(ctx: ServiceCtx): void {
  ctx.log.info({ im: ctx.im.name, imApiBase: ctx.im.name === 'tencent' ? ctx.env.IM_API_BASE : undefined }, 'integrations');
  ctx.log.info({ vod: ctx.vod.name, vodEndpoint: ctx.vod.name === 'tencent' ? (ctx.env.VOD_ENDPOINT ?? 'vod.tencentcloudapi.com') : undefined }, 'vod provider');
  ctx.log.info(
    { storage: ctx.storage.name, storageDir: ctx.storage.name === 'local' ? ctx.env.STORAGE_DIR : undefined, cosBucket: ctx.storage.name === 'tencent' ? ctx.env.COS_BUCKET : undefined },
    'storage provider',
  );
  if (!ctx.env.LIVE_CALLBACK_KEY) {
    ctx.log.warn('LIVE_CALLBACK_KEY is not set: live/recendcall and live/idxfileendcall accept unsigned callbacks from anyone.');
  }
  if (ctx.cloud.isDev) {
    ctx.log.warn('TENCENT_SECRET_ID/TENCENT_SECRET_KEY are not set: COS/VOD signatures use the PUBLIC development key (local sandboxes only).');
  }
  if (!ctx.env.IM_SECRET_KEY) {
    ctx.log.warn(
      'IM_SECRET_KEY is not set: UserSigs are signed with the PUBLIC development key. Anyone can forge them. Set IM_SECRET_KEY in production.',
    );
  }
}
