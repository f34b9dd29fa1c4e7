/**
 * ServiceCtx for tests: a fresh database on the suite's engine (test-db.ts), local providers (unless overridden),
 * fixed clock, silent logs. Heartbeats are written as they come (PRESENCE_FLUSH_MS=0) unless a test asks otherwise,
 * so a test can read a beat right after sending it; presence.test.ts covers the buffering.
 */
import { fixedClock } from '../clock';
import { createServiceCtx, type CtxOverrides, type ServiceCtx } from '../context';
import { loadEnv } from '../env';
import { createLogger } from '../logger';
import { createTestDb } from '../../db/testing/test-db';

export const T0 = 1_800_000_000;

export function createTestCtx(
  envOverrides: Record<string, string> = {},
  overrides: CtxOverrides = {},
): ServiceCtx & { clock: ReturnType<typeof fixedClock>; dir: string; dbUrl: string } {
  const { db, dir, url } = createTestDb();
  const clock = fixedClock(T0);
  const env = loadEnv({
    STORAGE_DIR: `${dir}/storage`,
    DATABASE_URL: url,
    PRESENCE_FLUSH_MS: '0',
    // Every read goes to the database (hot-read-cache.test.ts covers the cache).
    HOT_READ_CACHE_S: '0',
    ...envOverrides,
  });
  const ctx = createServiceCtx(env, {
    db,
    clock,
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...overrides,
  });
  return Object.assign(ctx, { clock, dir, dbUrl: url });
}
