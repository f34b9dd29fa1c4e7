/**
 * The /storage/ route serves and stores the local storage provider's own files (ctx.storage), not a second view it
 * builds over STORAGE_DIR: a provider kept elsewhere is what the route reads from and uploads into.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFilesOf } from '../integrations/storage';
import { createLocalStorage } from '../integrations/storage/local';
import { createLocalFiles } from '../integrations/storage/local-files';
import { createRequestListener } from '../main';
import { createRuntime } from '../runtime';
import { createTestCtx } from '../testing/test-ctx';

describe('storage route over the provider it is given', () => {
  const server = http.createServer();
  let url = '';
  let ctx: ReturnType<typeof createTestCtx>;
  let elsewhere = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ctx = createTestCtx({ PUBLIC_BASE_URL: url });
    elsewhere = path.join(ctx.dir, 'elsewhere');
    ctx.storage = createLocalStorage({
      files: createLocalFiles(elsewhere, ctx.db, ctx.clock),
      publicBaseUrl: url,
      cloud: ctx.cloud,
      clock: ctx.clock,
    });
    server.on('request', createRequestListener(createRuntime(ctx), null));
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  it('reads an object the provider wrote', async () => {
    await ctx.storage.putObject('docs/note.txt', Buffer.from('from the provider'), { contentType: 'text/plain' });
    const res = await fetch(`${url}/storage/docs/note.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('from the provider');
    expect(fs.existsSync(path.join(elsewhere, 'docs/note.txt'))).toBe(true);
    expect(fs.existsSync(path.join(ctx.env.STORAGE_DIR, 'docs/note.txt'))).toBe(false);
  });

  it('stores a presigned upload where the provider finds it', async () => {
    const put = ctx.storage.presignPut('up/a.txt', { contentType: 'text/plain', expiresS: 600 });
    const res = await fetch(put.url, { method: 'PUT', headers: put.headers, body: 'uploaded' });
    expect(res.status).toBe(200);
    expect(await ctx.storage.stat('up/a.txt')).toEqual({ size: 8, contentType: 'text/plain' });
    expect(fs.readFileSync(path.join(elsewhere, 'up/a.txt'), 'utf8')).toBe('uploaded');
  });

  it('localFilesOf: the provider files for local storage, none for COS', () => {
    expect(localFilesOf(ctx.storage)).not.toBeNull();
    const cos = createTestCtx({
      STORAGE_PROVIDER: 'tencent',
      TENCENT_SECRET_ID: 'id',
      TENCENT_SECRET_KEY: 'key',
      COS_BUCKET: 'edu-1250000000',
      COS_REGION: 'ap-guangzhou',
    });
    expect(localFilesOf(cos.storage)).toBeNull();
  });
});
