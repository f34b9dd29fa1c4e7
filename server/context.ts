/**
 * ServiceCtx: everything a service needs, built once per process and passed explicitly, so tests build one over a
 * temp database, local providers and a fixed clock. What is per process by nature is the exception, module state on
 * purpose: the password-hash gate (passwords.ts hashGate: this process's CPU, whatever ctx calls it), the hot-read
 * caches' registry (hot-read-cache.ts: every copy of a module evicted on one NOTIFY) and the in-memory token buckets.
 */
import { closeDb, openDb, type Db } from '../db/client';
import { migratePg, openPgPool } from '../db/client-pg';
import { createPresence, heartbeatWriteGranularityS, type Presence } from './services/presence';
import { listenForTokenRevocations } from './services/token-cache';
import type { PgListener } from '../db/pg-listen';
import { DEV_TENCENT_APPID, pgOptions, secretsFilePath, type Env } from './env';
import {
  loadOrCreateSecrets,
  SecretsFileError,
  type CloudCredentials,
  type GeneratedSecrets,
  type SecretName,
} from './secrets';
import { systemClock, type Clock } from './clock';
import { systemRandom, type Random } from './random';
import { createLogger, type Logger } from './logger';
import { ConfigError } from './errors';
import { createIm } from './integrations/im';
import type { ImProvider } from './integrations/im/types';
import { createUserSigSigner, type UserSigSigner } from './integrations/usersig';
import { createStorage, type StorageProvider } from './integrations/storage';
import { createVod } from './integrations/vod';
import { createMediaFiles } from './services/media-files';
import type { VodProvider } from './integrations/vod/types';

export interface ServiceCtx {
  env: Env;
  db: Db;
  clock: Clock;
  /** Non-secret randomness (IM message seq/random, signature nonces); tests pin it. */
  random: Random;
  log: Logger;
  im: ImProvider;
  /** Signs UserSigs for users (login) with IM_SECRET_KEY. */
  usersig: UserSigSigner;
  /** Cloud API credentials for COS/VOD signing: the configured TENCENT_* keys, or the generated local pair. */
  cloud: CloudCredentials;
  /** Which secrets came from the secrets file instead of the environment (names only), for the start-up log. */
  secretsSource: SecretsSource;
  /** Object storage (courseware uploads, playback indexes): local files served at /storage/, or Tencent COS. */
  storage: StorageProvider;
  /** Answers the legacy VOD proxy (vod/cmd_proxy): local (recordings + bound videos) or Tencent VOD API 3.0. */
  vod: VodProvider;
  /** Heartbeats buffered in this process and written once per PRESENCE_FLUSH_MS (services/presence.ts). */
  presence: Presence;
  /** PostgreSQL: hears token revocations committed by other instances (token-cache.ts); unset otherwise. */
  tokenRevocations?: PgListener | null;
}

interface SecretsSource {
  file: string;
  /** Secrets taken from the file (not set in the environment). */
  fromFile: SecretName[];
  /** True when this start created the file. */
  created: boolean;
}

/** The secrets the server signs with: each from the environment when set, else from the secrets file. */
interface ResolvedSecrets {
  imSecretKey: string;
  cloud: CloudCredentials;
  source: SecretsSource;
}

/**
 * Resolves IM_SECRET_KEY and the TENCENT_SECRET_ID/KEY pair. Anything unset comes from the secrets file (created
 * with random values on first start); the file is not touched when everything is configured.
 */
export function resolveSecrets(env: Env): ResolvedSecrets {
  const hasCloud = Boolean(env.TENCENT_SECRET_ID && env.TENCENT_SECRET_KEY);
  const file = secretsFilePath(env);
  let generated: GeneratedSecrets | undefined;
  let created = false;
  if (!env.IM_SECRET_KEY || !hasCloud) {
    try {
      ({ secrets: generated, created } = loadOrCreateSecrets(file));
    } catch (e) {
      if (e instanceof SecretsFileError) throw new ConfigError(e.message);
      throw e;
    }
  }
  const fromFile: SecretName[] = [];
  if (!env.IM_SECRET_KEY) fromFile.push('IM_SECRET_KEY');
  if (!hasCloud) fromFile.push('TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY');
  const appid = env.TENCENT_APPID ?? DEV_TENCENT_APPID;
  const cloud: CloudCredentials = hasCloud
    ? { appid, secretId: env.TENCENT_SECRET_ID!, secretKey: env.TENCENT_SECRET_KEY!, isDev: false }
    : { appid, secretId: generated!.TENCENT_SECRET_ID, secretKey: generated!.TENCENT_SECRET_KEY, isDev: true };
  return { imSecretKey: env.IM_SECRET_KEY ?? generated!.IM_SECRET_KEY, cloud, source: { file, fromFile, created } };
}

export interface CtxOverrides {
  db?: Db;
  clock?: Clock;
  random?: Random;
  log?: Logger;
  im?: ImProvider;
  storage?: StorageProvider;
  vod?: VodProvider;
}

/** Builds the context; throws ConfigError when a chosen `tencent` provider lacks its settings. */
export function createServiceCtx(env: Env, overrides: CtxOverrides = {}): ServiceCtx {
  const log = overrides.log ?? createLogger(env.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? systemRandom;
  const db = overrides.db ?? openDatabase(env, log);
  const { imSecretKey, cloud, source: secretsSource } = resolveSecrets(env);
  const usersig = createUserSigSigner(env.SDKAPPID, imSecretKey, env.USERSIG_EXPIRE_S);
  const im = overrides.im ?? createIm(env, db, clock, random, log, usersig);
  const vod = overrides.vod ?? createVod(env, createMediaFiles(db));
  const storage = overrides.storage ?? createStorage(env, db, clock, cloud);
  const presence = createPresence({
    db,
    flushMs: env.PRESENCE_FLUSH_MS,
    granularityS: heartbeatWriteGranularityS(env),
    onError: (e) => log.error({ err: e }, 'presence flush failed (beats kept for the next one)'),
  });
  const ctx: ServiceCtx = { env, db, clock, random, log, im, usersig, cloud, secretsSource, vod, storage, presence };
  // After the ctx exists: the listener evicts from this ctx's own token cache.
  ctx.tokenRevocations = listenForTokenRevocations(ctx);
  return ctx;
}

/** Writes the buffered heartbeats and closes the database (graceful shutdown, tests). */
export async function closeServiceCtx(ctx: ServiceCtx): Promise<void> {
  await ctx.presence.stop();
  await ctx.tokenRevocations?.stop();
  await closeDb(ctx.db);
}

/**
 * Brings the database DATABASE_URL names up to date before anything serves it. SQLite migrates as it opens (a
 * synchronous call, see openDatabase); PostgreSQL migrates here, under an advisory lock, so several instances starting
 * together apply each migration once.
 */
export async function migrateDatabase(env: Env): Promise<void> {
  if (env.database.kind === 'pg') await migratePg(pgOptions(env));
}

/**
 * The database DATABASE_URL names: the SQLite file (created and migrated here), or a PostgreSQL pool (connects on first
 * use; migrateDatabase ran at start).
 */
function openDatabase(env: Env, log: Logger): Db {
  if (env.database.kind === 'pg') {
    return openPgPool(pgOptions(env), { onIdleError: (e) => log.warn({ err: e }, 'idle PostgreSQL connection lost') });
  }
  return openDb(env.database.file);
}

/** One line per integration at start: which provider, which secrets came from the secrets file, callback auth. */
export function logProviders(ctx: ServiceCtx): void {
  ctx.log.info(
    { im: ctx.im.name, imApiBase: ctx.im.name === 'tencent' ? ctx.env.IM_API_BASE : undefined },
    'integrations',
  );
  ctx.log.info(
    {
      vod: ctx.vod.name,
      vodEndpoint: ctx.vod.name === 'tencent' ? (ctx.env.VOD_ENDPOINT ?? 'vod.tencentcloudapi.com') : undefined,
    },
    'vod provider',
  );
  ctx.log.info(
    {
      storage: ctx.storage.name,
      storageDir: ctx.storage.name === 'local' ? ctx.env.STORAGE_DIR : undefined,
      cosBucket: ctx.storage.name === 'tencent' ? ctx.env.COS_BUCKET : undefined,
    },
    'storage provider',
  );
  const src = ctx.secretsSource;
  if (src.fromFile.length > 0) {
    ctx.log.info(
      { secretsFile: src.file, secrets: src.fromFile },
      src.created ? 'generated secrets into the secrets file' : 'secrets loaded from the secrets file',
    );
  }
  if (!ctx.env.LIVE_CALLBACK_KEY && ctx.env.LIVE_CALLBACK_ALLOW_UNSIGNED) {
    ctx.log.warn(
      'LIVE_CALLBACK_ALLOW_UNSIGNED=1 and no LIVE_CALLBACK_KEY: live/recendcall, live/reccall and live/idxfileendcall accept UNSIGNED callbacks from ANYONE. Local experiments only.',
    );
  } else if (!ctx.env.LIVE_CALLBACK_KEY) {
    ctx.log.warn(
      'LIVE_CALLBACK_KEY is not set: live callbacks (recendcall, reccall, idxfileendcall) are refused. Set LIVE_CALLBACK_KEY to the callback key of the Tencent live console.',
    );
  }
}
