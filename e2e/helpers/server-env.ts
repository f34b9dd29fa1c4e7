/**
 * Where the e2e server lives: its port, base URL and the temp data directory (database + local storage). Shared by
 * playwright.config.ts (which starts the server with this environment) and the tests that touch the same database
 * directly (demo data). The directory is made once in the runner process and handed to the workers through
 * E2E_DATA_DIR, so every process of one run agrees on it and every run starts from an empty database.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_BASE = `http://127.0.0.1:${E2E_PORT}`;

export function e2eDataDir(): string {
  if (!process.env.E2E_DATA_DIR) process.env.E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'edu-e2e-'));
  return process.env.E2E_DATA_DIR;
}

/** The live-callback key of the e2e server: the spec signs Tencent's recording callback with it, as Tencent would. */
const E2E_LIVE_CALLBACK_KEY = 'e2e-live-callback-key';

/**
 * A class whose teacher is silent this long is ended by the sweeper: short, so a test can watch it happen (and see
 * the open course page keep its class alive). The demo's live class is kept alive by its phone (serve.ts); a course a
 * test starts through the API without its page ends this long after its last beat.
 */
export const E2E_COURSE_DEAD_S = 12;

/** After a course's end, "waiting for the recording" this long before "ended, no recording" (RECORDING_WAIT_S). */
export const E2E_RECORDING_WAIT_S = 10;

/**
 * The server's environment: production entry, temp database, local sandboxes, fast scheduler, no index delay, a
 * short COURSE_DEAD_S (above). Students send no beats in these tests, so MEMBER_DEAD_S is an hour: nobody is timed
 * out of a roster halfway through a slow test.
 */
export function e2eServerEnv(): Record<string, string> {
  const dir = e2eDataDir();
  return {
    E2E_DATA_DIR: dir,
    PORT: String(E2E_PORT),
    HOST: '127.0.0.1',
    DATABASE_URL: path.join(dir, 'edu.db'),
    // Every e2e test registers its own accounts from 127.0.0.1: the per-IP registration limit would stop the suite.
    REGISTER_LIMIT_PER_IP: '10000',
    STORAGE_DIR: path.join(dir, 'storage'),
    PUBLIC_BASE_URL: E2E_BASE,
    SWEEP_INTERVAL_S: '1',
    REPLAY_INDEX_DELAY_S: '0',
    // Short, so a test sees "waiting for the recording" turn into "ended, no recording".
    RECORDING_WAIT_S: String(E2E_RECORDING_WAIT_S),
    COURSE_DEAD_S: String(E2E_COURSE_DEAD_S),
    MEMBER_DEAD_S: '3600',
    LOG_LEVEL: 'warn',
    LIVE_CALLBACK_KEY: E2E_LIVE_CALLBACK_KEY,
  };
}

/** The legacy protocol's app id on this server (env default). */
export const E2E_SDKAPPID = 1400000000;

/** Screenshots are artifacts next to Playwright's output (test-results/ is gitignored). */
export const SCREENSHOT_DIR = path.join(process.cwd(), 'test-results', 'screenshots');

let callbackSerial = 0;
/**
 * `t` and `sign` for one Tencent callback to the e2e server, as Tencent signs them: sign = md5(key + t). Each call gets
 * its own `t` (a pair may carry only one notice: the server refuses a replayed pair with another body), spread by
 * process so parallel workers do not pick the same one.
 */
export function signedCallbackFields(): { t: number; sign: string } {
  // Within the hour ahead the server accepts: 60 s + up to 1 980 s by process + the serial.
  const t = Math.floor(Date.now() / 1000) + 60 + (process.pid % 100) * 20 + callbackSerial++;
  return {
    t,
    sign: createHash('md5')
      .update(E2E_LIVE_CALLBACK_KEY + t)
      .digest('hex'),
  };
}
