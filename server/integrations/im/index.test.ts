/** The IM factory on its own (no ServiceCtx): local by default, tencent only with IM_SECRET_KEY. */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock';
import { loadEnv } from '../../env';
import { ConfigError } from '../../errors';
import { createLogger } from '../../logger';
import { systemRandom } from '../../random';
import { createTestDb } from '../../../db/testing/test-db';
import { createUserSigSigner } from '../usersig';
import { createIm } from '.';

const build = (vars: Record<string, string>) => {
  const { db, dir } = createTestDb();
  const env = loadEnv({ STORAGE_DIR: `${dir}/storage`, DATABASE_URL: `${dir}/edu.db`, ...vars });
  return createIm(
    env,
    db,
    fixedClock(1_800_000_000),
    systemRandom,
    createLogger('silent'),
    createUserSigSigner(1400000000, 'k', 60),
  );
};

describe('createIm', () => {
  it('is local by default and with IM_PROVIDER=local', () => {
    expect(build({}).name).toBe('local');
    expect(build({ IM_PROVIDER: 'local' }).name).toBe('local');
  });

  it('is tencent when asked and given IM_SECRET_KEY', () => {
    expect(build({ IM_PROVIDER: 'tencent', IM_SECRET_KEY: 'k', IM_API_BASE: 'http://127.0.0.1:9' }).name).toBe(
      'tencent',
    );
  });

  it('refuses tencent without IM_SECRET_KEY, naming it', () => {
    expect(() => build({ IM_PROVIDER: 'tencent' })).toThrow(ConfigError);
    expect(() => build({ IM_PROVIDER: 'tencent' })).toThrow(/IM_SECRET_KEY/);
  });
});
