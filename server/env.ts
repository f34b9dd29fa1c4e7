/**
 * The only reader of process.env. Parsed once with zod; everything else receives a typed `Env`.
 * Must not log secrets: configuration reaches the log only through context.ts `logProviders` (provider names, hosts,
 * which secrets came from the secrets file — names, never values), and an invalid setting is reported by name and
 * reason (EnvError), never by its value.
 */
import path from 'node:path';
import { z } from 'zod';
import { PG_SSL_MODES, type PgOptions } from '../db/pg-options';
import { parseAddressEntry } from './http/address-list';

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
  /** SQLite (`file:…` or a plain path) or PostgreSQL (`postgres://…`, `postgresql://…`); see parseDatabaseUrl. */
  DATABASE_URL: z
    .string()
    .default('file:./data/edu.db')
    .superRefine((url, c) => {
      const r = parseDatabaseUrl(url);
      if (typeof r === 'string') c.addIssue({ code: 'custom', message: r });
    }),
  /** PostgreSQL only: connections per instance, and the server-side limit on one statement (0 = none). */
  PG_POOL_MAX: z.coerce.number().int().positive().default(10),
  PG_STATEMENT_TIMEOUT_MS: int(5000),
  /** PostgreSQL only: libpq's sslmode, validated here and handed to `pg` (an `sslmode` in DATABASE_URL wins). */
  PGSSLMODE: z
    .enum(['', ...PG_SSL_MODES])
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
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
  /** Heartbeats are buffered per process and written once per this many ms (0: each beat as it comes); see services/presence.ts. */
  PRESENCE_FLUSH_MS: int(1000),
  /**
   * Seconds an instance may reuse a token's row or a room's host on the request path (services/hot-read-cache.ts).
   * Unset: 0 on SQLite, 10 on PostgreSQL. A token revoked through another instance works there at most this long.
   */
  HOT_READ_CACHE_S: z.coerce.number().int().nonnegative().optional(),
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
  /** Addresses / CIDR blocks live callbacks may come from (services/live-callback-auth.ts); empty: any. */
  LIVE_CALLBACK_ALLOWED_IPS: csv([]).superRefine((entries, c) => {
    for (const e of entries) {
      const r = parseAddressEntry(e);
      if (typeof r === 'string') c.addIssue({ code: 'custom', message: r });
    }
  }),
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
  /** After a course's end, how long a missing recording is shown as "waiting for the recording" (playback-status.ts). */
  RECORDING_WAIT_S: int(900),
  PUBLIC_BASE_URL: optStr,
  UPLOAD_MAX_BYTES: int(500 * 1024 * 1024),
  /** Largest JSON body the legacy door reads. */
  LEGACY_MAX_BODY_BYTES: int(1024 * 1024),
  /** Reverse proxies (socket peer addresses) whose X-Forwarded-For/Host/Proto are believed; see http/client-address.ts. */
  TRUSTED_PROXY: csv([]),
  /** Login limits, both doors together, per 10 minutes (policy in login-rate-limit.ts and the README's Security). */
  /** Password checks per (account id, client address). */
  LOGIN_LIMIT_PER_ID_ADDRESS: z.coerce.number().int().positive().default(10),
  /** Password checks per account id from addresses that never logged in to it (a guesser spread over addresses). */
  LOGIN_LIMIT_PER_ID: z.coerce.number().int().positive().default(50),
  /** Failed logins per client address, whatever the id (a school behind one NAT address stays far below it). */
  LOGIN_LIMIT_PER_IP: z.coerce.number().int().positive().default(300),
  /** Registrations per client address in 10 minutes, both doors together: a whole school's first lesson fits. */
  REGISTER_LIMIT_PER_IP: z.coerce.number().int().positive().default(1000),
  /** The node server's socket limits (http/connection-limits.ts), in seconds; and open connections per client address. */
  HTTP_HEADERS_TIMEOUT_S: z.coerce.number().int().positive().default(20),
  HTTP_REQUEST_TIMEOUT_S: z.coerce.number().int().positive().default(900),
  HTTP_IDLE_TIMEOUT_S: z.coerce.number().int().positive().default(120),
  MAX_CONNECTIONS_PER_IP: int(2000),
  /**
   * Console (tRPC) calls per caller (the account; anonymous: the client address, ×10): running at once, refilled per
   * second, bucket depth (trpc/call-budget.ts). Courses one teacher may create in 24 h, both doors (services/courses.ts).
   */
  CONSOLE_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(32),
  CONSOLE_CALLS_PER_S: z.coerce.number().int().positive().default(20),
  CONSOLE_CALL_BURST: z.coerce.number().int().positive().default(120),
  COURSE_CREATE_PER_DAY: z.coerce.number().int().positive().default(500),
  /**
   * Enter reports one member may make in one course (services/members.ts): beyond it an enter is answered 0 but
   * neither stored nor announced. The course's own teacher is not bounded.
   */
  MEMBER_ENTERS_PER_COURSE: z.coerce.number().int().positive().default(300),
  /** Account ids one teacher may look up per hour through the class list (console/lookup-budget.ts). */
  CLASS_LIST_LOOKUPS_PER_HOUR: z.coerce.number().int().positive().default(3000),
});

/** Where the data lives, decided once from DATABASE_URL. */
export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'pg'; url: string };

export type Env = z.infer<typeof envSchema> & { database: DatabaseTarget };

export class EnvError extends Error {}

/** Parses an environment (process.env by default). Throws EnvError with every problem named. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const r = envSchema.safeParse(source);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const database = parseDatabaseUrl(r.data.DATABASE_URL);
  // Already refused by the schema; narrowed here for the type.
  if (typeof database === 'string') throw new EnvError(`Invalid configuration:\n  DATABASE_URL: ${database}`);
  return { ...r.data, database };
}

/**
 * Classifies a DATABASE_URL: `file:./x.db`, `file:///abs/x.db` or a plain path → SQLite; `postgres://` or
 * `postgresql://` → PostgreSQL. Any other scheme is refused (returns the reason) rather than taken for a file name:
 * `mysql://h/db` must not quietly become a SQLite file in a folder named `mysql:`.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget | string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    return url.trim() === '' ? 'must not be empty (unset it for file:./data/edu.db)' : { kind: 'sqlite', file: url };
  }
  if (scheme === 'file') {
    const rest = url.slice('file:'.length);
    const file = rest.startsWith('//') ? rest.slice(2) : rest;
    return file === '' ? 'the file: URL names no file' : { kind: 'sqlite', file };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    try {
      new URL(url);
    } catch {
      return 'is not a valid postgres:// URL';
    }
    return { kind: 'pg', url };
  }
  return `scheme "${scheme}:" is not supported: use file:<path> (SQLite) or postgres://user:pass@host:port/db (PostgreSQL)`;
}

/** The secrets file: SECRETS_FILE, else secrets.json in the SQLite database's folder, else ./data/secrets.json. */
export function secretsFilePath(env: Env): string {
  if (env.SECRETS_FILE) return env.SECRETS_FILE;
  const db = env.database.kind === 'sqlite' ? env.database.file : '';
  if (db === '' || db.startsWith(':memory:')) return './data/secrets.json';
  return path.join(path.dirname(db), 'secrets.json');
}

/** The base URL clients reach this server at, for URLs it hands out. */
export function publicBaseUrl(env: Env): string {
  return (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
}

/** The PostgreSQL connection settings of an environment whose DATABASE_URL selects PostgreSQL. */
export function pgOptions(env: Env): PgOptions {
  if (env.database.kind !== 'pg') throw new Error('pgOptions: DATABASE_URL does not select PostgreSQL');
  return {
    url: env.database.url,
    poolMax: env.PG_POOL_MAX,
    statementTimeoutMs: env.PG_STATEMENT_TIMEOUT_MS,
    sslmode: env.PGSSLMODE,
  };
}
