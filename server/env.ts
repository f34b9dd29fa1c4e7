/**
 * The only reader of process.env. Parsed once with zod; everything else receives a typed `Env`.
 * Must not log secrets: configuration reaches the log only through context.ts `logProviders` (provider names, hosts,
 * which secrets came from the secrets file — names, never values), and an invalid setting is reported by name and
 * reason (EnvError), never by its value.
 */
import path from 'node:path';
import { z } from 'zod';

const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const optStr = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const provider = z.enum(['local', 'tencent']).optional();
const csv = (def: string[]) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v === undefined || v.trim() === ''
        ? def
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    );

/** Read-only VOD API v2 actions a logged-in client may get signed by default. */
const DEFAULT_VOD_SIGN_ACTIONS = [
  'DescribeVodInfo',
  'DescribeVodPlayInfo',
  'DescribeVodPlayUrls',
  'GetVideoInfo',
  'DescribeClass',
  'DescribeAllClass',
];

/** APPID the local sandboxes put in signatures when TENCENT_APPID is unset (not a secret). */
export const DEV_TENCENT_APPID = 1250000000;

const envSchema = z.object({
  PORT: int(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().default('file:./data/edu.db'),
  SDKAPPID: z.coerce.number().int().positive().default(1400000000),
  IM_SECRET_KEY: optStr,
  IM_ADMIN: z.string().default('administrator'),
  IM_API_BASE: z.string().url().default('https://console.tim.qq.com'),
  IM_PROVIDER: provider,
  USERSIG_EXPIRE_S: int(180 * 86400),
  TOKEN_IDLE_EXPIRE_S: int(7 * 86400),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SWEEP_INTERVAL_S: int(30),
  COURSE_DEAD_S: int(300),
  MEMBER_DEAD_S: int(120),
  /** Membership rows of courses ended longer ago than this are deleted by the sweeper. */
  MEMBER_RETENTION_S: int(60 * 86400),

  TENCENT_APPID: z.coerce.number().int().positive().optional(),
  TENCENT_SECRET_ID: optStr,
  TENCENT_SECRET_KEY: optStr,
  COS_BUCKET: optStr,
  COS_REGION: optStr,
  COS_PREVIEW_TAG: z.string().default('preview'),
  COS_SIG_EXPIRE_S: int(2592000),
  COS_ENDPOINT: optStr,
  VOD_ENDPOINT: optStr,
  VOD_REGION: z.string().default('ap-guangzhou'),
  VOD_SIGN_ALLOWED_HOSTS: csv(['vod.api.qcloud.com']),
  VOD_SIGN_ALLOWED_ACTIONS: csv(DEFAULT_VOD_SIGN_ACTIONS),
  VOD_UPLOAD_PROCEDURE: optStr,
  VOD_UPLOAD_CLASS_ID: z.coerce.number().int().nonnegative().optional(),
  LIVE_CALLBACK_KEY: optStr,
  /** '1': accept unsigned live callbacks when LIVE_CALLBACK_KEY is unset (local experiments only; logged loudly). */
  LIVE_CALLBACK_ALLOW_UNSIGNED: z
    .enum(['0', '1', ''])
    .optional()
    .transform((v) => v === '1'),
  /** Where generated secrets are kept; default: secrets.json beside the SQLite database (or ./data). */
  SECRETS_FILE: optStr,
  STORAGE_DIR: z.string().default('./data/storage'),
  STORAGE_PROVIDER: provider,
  VOD_PROVIDER: provider,
  REPLAY_INDEX_DELAY_S: int(300),
  REPLAY_INDEX_MAX_ATTEMPTS: int(5),
  PUBLIC_BASE_URL: optStr,
  UPLOAD_MAX_BYTES: int(500 * 1024 * 1024),
  /** Largest JSON body the legacy door reads. */
  LEGACY_MAX_BODY_BYTES: int(1024 * 1024),
  /** Reverse proxies (socket peer addresses) whose X-Forwarded-For/Host/Proto are believed; see http/client-address.ts. */
  TRUSTED_PROXY: csv([]),
  /** Registrations allowed per client IP in 10 minutes, both doors together (login-rate-limit.ts). */
  REGISTER_LIMIT_PER_IP: z.coerce.number().int().positive().default(20),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/** Parses an environment (process.env by default). Throws EnvError with every problem named. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const r = envSchema.safeParse(source);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** Filesystem path of the SQLite database: accepts `file:./x.db`, `file:///abs/x.db` and a plain path. */
export function databasePath(url: string): string {
  if (url.startsWith('file://')) return url.slice('file://'.length);
  if (url.startsWith('file:')) return url.slice('file:'.length);
  return url;
}

/** The secrets file: SECRETS_FILE, else secrets.json in the SQLite database's folder, else ./data/secrets.json. */
export function secretsFilePath(env: Env): string {
  if (env.SECRETS_FILE) return env.SECRETS_FILE;
  const url = env.DATABASE_URL;
  const isFile = url.startsWith('file:') || !/^[a-z][a-z0-9+.-]*:/i.test(url);
  const db = isFile ? databasePath(url) : '';
  if (!isFile || db === '' || db === ':memory:' || db.startsWith(':memory:')) return './data/secrets.json';
  return path.join(path.dirname(db), 'secrets.json');
}

/** The base URL clients reach this server at, for URLs it hands out. */
export function publicBaseUrl(env: Env): string {
  return (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
}
