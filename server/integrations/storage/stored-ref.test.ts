/**
 * Stored references: which URLs become `storage:<key>`, how URLs are built back (local and COS), and which request
 * header decides the base.
 */
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../env';
import { createTestCtx } from '../../testing/test-ctx';
import { keyOfStoredRef, publicUrlOf, requestBaseUrl, storedRefOfKey, storedRefOfUrl } from './stored-ref';

describe('stored references', () => {
  const ctx = createTestCtx({ PUBLIC_BASE_URL: 'https://class.example' });

  it("turns URLs of this server's storage into keys and keeps every other URL as sent", () => {
    const ref = (url: string, base?: string) => storedRefOfUrl(ctx.storage, ctx.env, url, base);
    expect(ref('https://class.example/storage/uploads/t1/a.pdf')).toBe('storage:uploads/t1/a.pdf');
    expect(ref('https://class.example/storage/courseware/%E6%95%B0%E5%AD%A6.pdf')).toBe('storage:courseware/数学.pdf');
    // The base the client was answered at counts too (a URL handed out on another host/port, sent back).
    expect(ref('http://10.0.0.5:8080/storage/uploads/t1/a.pdf', 'http://10.0.0.5:8080')).toBe(
      'storage:uploads/t1/a.pdf',
    );
    for (const external of [
      'http://10.0.0.5:8080/storage/uploads/t1/a.pdf', // a host we were not reached at
      'https://cdn.example/storage/uploads/t1/a.pdf',
      'https://class.example/storagex/a.pdf',
      'https://class.example/storage/a/../b.pdf',
      'https://class.example/storage/a%2Fb.pdf', // decodes to a different path: not ours
      'http://1234.vod2.myqcloud.com/f0.mp4',
    ]) {
      expect(ref(external)).toBe(external);
    }
    expect(ref('https://class.example/storage/uploads/t1/a.pdf?x=1')).toBe('storage:uploads/t1/a.pdf');
    expect(ref('storage:uploads/t1/a.pdf')).toBe('storage:uploads/t1/a.pdf');
    expect(() => ref('storage:../etc/passwd')).toThrow(/key/);
  });

  it('builds URLs at the given base (local) and leaves external URLs alone', () => {
    expect(publicUrlOf(ctx.storage, storedRefOfKey('a b/c.pdf'))).toBe('https://class.example/storage/a%20b/c.pdf');
    expect(publicUrlOf(ctx.storage, 'storage:a.pdf', 'http://127.0.0.1:4000')).toBe(
      'http://127.0.0.1:4000/storage/a.pdf',
    );
    expect(publicUrlOf(ctx.storage, 'http://vod.example/x.mp4', 'http://127.0.0.1:4000')).toBe(
      'http://vod.example/x.mp4',
    );
    expect(publicUrlOf(ctx.storage, '')).toBe('');
    expect(keyOfStoredRef('http://x/storage/a')).toBeNull();
  });

  it('COS: the bucket URL whatever the request base', () => {
    const cos = createTestCtx({
      STORAGE_PROVIDER: 'tencent',
      TENCENT_SECRET_ID: 'id',
      TENCENT_SECRET_KEY: 'k',
      COS_BUCKET: 'b-1250000000',
      COS_REGION: 'ap-guangzhou',
    });
    expect(publicUrlOf(cos.storage, 'storage:playback/1/x.json', 'http://127.0.0.1:4000')).toBe(
      'https://b-1250000000.cos.ap-guangzhou.myqcloud.com/playback/1/x.json',
    );
    expect(
      storedRefOfUrl(cos.storage, cos.env, 'https://b-1250000000.cos.ap-guangzhou.myqcloud.com/uploads/t/a.pdf'),
    ).toBe('storage:uploads/t/a.pdf');
  });

  it('request base: PUBLIC_BASE_URL when set, else a well-formed Host header, else localhost:PORT', () => {
    const set = loadEnv({ PUBLIC_BASE_URL: 'https://class.example/' });
    const unset = loadEnv({ PORT: '4100' });
    expect(requestBaseUrl(set, 'evil.example')).toBe('https://class.example');
    expect(requestBaseUrl(unset, '127.0.0.1:4100')).toBe('http://127.0.0.1:4100');
    expect(requestBaseUrl(unset, 'Class.Example', 'https:')).toBe('https://class.example');
    expect(requestBaseUrl(unset, '[::1]:4100')).toBe('http://[::1]:4100');
    for (const bad of [undefined, null, '', 'a/b', 'evil.example/x?', 'x@y', 'a b', 'host:99999999']) {
      expect(requestBaseUrl(unset, bad)).toBe('http://localhost:4100');
    }
  });
});
