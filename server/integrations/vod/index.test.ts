/** The VOD factory on its own (no ServiceCtx): local by default, tencent only with its keys and a valid endpoint. */
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../env';
import { ConfigError } from '../../errors';
import { createMediaFiles } from '../../services/media-files';
import { createTestDb } from '../../../db/testing/test-db';
import { createVod } from '.';

const build = (vars: Record<string, string>) => {
  const { db, dir } = createTestDb();
  return createVod(
    loadEnv({ STORAGE_DIR: `${dir}/storage`, DATABASE_URL: `${dir}/edu.db`, ...vars }),
    createMediaFiles(db),
  );
};
const keys = { TENCENT_SECRET_ID: 'AKIDTEST', TENCENT_SECRET_KEY: 'secret-key' };

describe('createVod', () => {
  it('is local by default and with VOD_PROVIDER=local', () => {
    expect(build({}).name).toBe('local');
    expect(build({ VOD_PROVIDER: 'local' }).name).toBe('local');
  });

  it('is tencent when asked and given the keys', () => {
    expect(build({ VOD_PROVIDER: 'tencent', ...keys, VOD_ENDPOINT: 'http://127.0.0.1:9' }).name).toBe('tencent');
  });

  it('refuses tencent without keys or with a malformed VOD_ENDPOINT, naming the setting', () => {
    expect(() => build({ VOD_PROVIDER: 'tencent' })).toThrow(ConfigError);
    expect(() => build({ VOD_PROVIDER: 'tencent' })).toThrow(/TENCENT_SECRET_ID/);
    expect(() => build({ VOD_PROVIDER: 'tencent', ...keys, VOD_ENDPOINT: 'http://h/x/y' })).toThrow(ConfigError);
    expect(() => build({ VOD_PROVIDER: 'tencent', ...keys, VOD_ENDPOINT: 'http://h/x/y' })).toThrow(/VOD_ENDPOINT/);
  });
});
