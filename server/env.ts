/**
 * The only reader of process.env. Parsed once with zod; everything else receives a typed `Env`.
 * Must not log secrets: `describeEnv` is the only thing that prints configuration, and it masks keys.
 */
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
    .transform((v) => (v === undefined || v.trim() === '' ? def : v.split(',').map((s) => s.trim()).filter(Boolean)));

/** Read-only VOD API v2 actions a logged-in client may get signed by default. */
export const DEFAULT_VOD_SIGN_ACTIONS = [
  'DescribeVodInfo',
  'DescribeVodPlayInfo',
  'DescribeVodPlayUrls',
  'GetVideoInfo',
  'DescribeClass',
  'DescribeAllClass',
];

/** A fixed, public development key: anyone can forge UserSigs with it, hence the loud warning at start. */
export const DEV_IM_SECRET_KEY = 'dev-im-secret-key-do-not-use-in-production';
/** Development cloud credentials used by local storage/VOD sandboxes when no TENCENT_* keys are set. */
export const DEV_SECRET_ID = 'AKIDLOCALDEVELOPMENTONLY';
export const DEV_SECRET_KEY = 'local-development-secret-key';
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

/** The base URL clients reach this server at, for URLs it hands out. */
export function publicBaseUrl(env: Env): string {
  return (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
}
