/** ServiceCtx for tests: temp database, local providers (unless overridden), fixed clock, silent logs. */
import { fixedClock } from '../clock';
import { createServiceCtx, type CtxOverrides, type ServiceCtx } from '../context';
import { loadEnv } from '../env';
import { createLogger } from '../logger';
import { createTestDb } from './test-db';

export const T0 = 1_800_000_000;

export function createTestCtx(
  envOverrides: Record<string, string> = {},
  overrides: CtxOverrides = {},
): ServiceCtx & { clock: ReturnType<typeof fixedClock>; dir: string } {
  const { db, dir } = createTestDb();
  const clock = fixedClock(T0);
  const env = loadEnv({ STORAGE_DIR: `${dir}/storage`, DATABASE_URL: `${dir}/edu.db`, ...envOverrides });
  const ctx = createServiceCtx(env, {
    db,
    clock,
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...overrides,
  });
  return Object.assign(ctx, { clock, dir });
}
