/** Provider selection: local by default; tencent refuses to start without its settings, naming what is missing. */
import { describe, expect, it } from 'vitest';
import { createServiceCtx } from '../../context';
import { ConfigError } from '../../errors';
import { loadEnv } from '../../env';
import { createTestDb } from '../../../db/testing/test-db';
import { createLogger } from '../../logger';

const build = (env: Record<string, string>) => {
  const { db, dir } = createTestDb();
  return createServiceCtx(loadEnv({ STORAGE_DIR: `${dir}/storage`, DATABASE_URL: `${dir}/edu.db`, ...env }), {
    db,
    log: createLogger('silent'),
  });
};

describe('storage provider selection', () => {
  it('is local by default and with STORAGE_PROVIDER=local', () => {
    expect(build({}).storage.name).toBe('local');
    expect(build({ STORAGE_PROVIDER: 'local' }).storage.name).toBe('local');
  });

  it('tencent needs TENCENT_SECRET_ID/KEY, COS_BUCKET and COS_REGION', () => {
    expect(() => build({ STORAGE_PROVIDER: 'tencent' })).toThrow(ConfigError);
    expect(() =>
      build({
        STORAGE_PROVIDER: 'tencent',
        TENCENT_SECRET_ID: 'id',
        TENCENT_SECRET_KEY: 'k',
        COS_BUCKET: 'b-1250000000',
      }),
    ).toThrow(/COS_REGION/);
    expect(() =>
      build({ STORAGE_PROVIDER: 'tencent', COS_BUCKET: 'b-1250000000', COS_REGION: 'ap-guangzhou' }),
    ).toThrow(/TENCENT_SECRET_ID, TENCENT_SECRET_KEY/);
    const ctx = build({
      STORAGE_PROVIDER: 'tencent',
      TENCENT_SECRET_ID: 'id',
      TENCENT_SECRET_KEY: 'k',
      COS_BUCKET: 'b-1250000000',
      COS_REGION: 'ap-guangzhou',
    });
    expect(ctx.storage.name).toBe('tencent');
    expect(ctx.storage.publicUrl('a/b c.pdf')).toBe('https://b-1250000000.cos.ap-guangzhou.myqcloud.com/a/b%20c.pdf');
  });

  it('local presigned URLs use PUBLIC_BASE_URL and sign with the generated local pair when no TENCENT_* keys are set', () => {
    const ctx = build({ PUBLIC_BASE_URL: 'https://class.example/' });
    expect(ctx.cloud.isDev).toBe(true);
    const p = ctx.storage.presignPut('x/y.pdf', { expiresS: 60 });
    expect(ctx.cloud.secretId).toMatch(/^AKIDLOCAL[0-9A-F]{24}$/);
    expect(
      p.url.startsWith(`https://class.example/storage/x/y.pdf?q-sign-algorithm=sha1&q-ak=${ctx.cloud.secretId}&`),
    ).toBe(true);
    expect(p.url).toContain('q-header-list=host&');
    expect(ctx.storage.publicUrl('x/y.pdf')).toBe('https://class.example/storage/x/y.pdf');
  });
});
