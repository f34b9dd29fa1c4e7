/**
 * The /storage/ route over real HTTP: ranged reads, types and nosniff, COS v5-signed uploads (presigned query and
 * Authorization header) with every refusal — forged, expired, wrong host, wrong key — traversal attempts, and
 * oversized bodies (declared and streamed).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKeyPath } from '../integrations/storage/keys';
import { startStorageTestServer } from './testing';

type Server = Awaited<ReturnType<typeof startStorageTestServer>>;

/** Raw HTTP (fetch would normalize `..` and refuse some headers). */
function rawRequest(
  url: string,
  opts: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer | (() => AsyncIterable<Buffer>);
  },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method: opts.method, path: opts.path, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    const b = opts.body;
    if (b === undefined) req.end();
    else if (Buffer.isBuffer(b)) req.end(b);
    else
      void (async () => {
        try {
          for await (const c of b()) if (!req.write(c)) await new Promise((r) => req.once('drain', r));
          req.end();
        } catch {
          /* the server may cut us off */
        }
      })();
  });
}

describe('storage route', () => {
  let s: Server;
  const MAX = 64 * 1024;
  beforeAll(async () => {
    s = await startStorageTestServer({ UPLOAD_MAX_BYTES: String(MAX) });
  });
  afterAll(() => s.close());

  const host = () => new URL(s.url).host;
  const objectFile = (key: string) => path.join(s.ctx.env.STORAGE_DIR, key);

  describe('reads', () => {
    const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
    beforeAll(async () => {
      await s.ctx.storage.putObject('videos/clip.mp4', body, { contentType: 'video/mp4' });
      await s.ctx.storage.putObject('evil/page.html', Buffer.from('<script>alert(1)</script>'), {
        contentType: 'text/html',
      });
    });

    it('GET serves the whole object with its type, nosniff and Accept-Ranges', async () => {
      const res = await fetch(`${s.url}/storage/videos/clip.mp4`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('content-length')).toBe('1000');
      expect(res.headers.get('content-disposition')).toMatch(/^inline/);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(body);
    });

    it('?download=1 answers the same bytes as an attachment named after the key (console download links)', async () => {
      const res = await fetch(`${s.url}/storage/videos/clip.mp4?download=1`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="clip.mp4"; filename*=UTF-8''clip.mp4`);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(body);
      expect((await fetch(`${s.url}/storage/videos/clip.mp4?download=0`)).headers.get('content-disposition')).toMatch(
        /^inline/,
      );
    });

    it('Range → 206 with Content-Range (start-end, open end, suffix); past the end → 416', async () => {
      const cases: [string, number, number][] = [
        ['bytes=0-99', 0, 99],
        ['bytes=900-', 900, 999],
        ['bytes=-10', 990, 999],
        ['bytes=990-5000', 990, 999],
      ];
      for (const [range, a, b] of cases) {
        const res = await fetch(`${s.url}/storage/videos/clip.mp4`, { headers: { Range: range } });
        expect(res.status).toBe(206);
        expect(res.headers.get('content-range')).toBe(`bytes ${a}-${b}/1000`);
        expect(Buffer.from(await res.arrayBuffer())).toEqual(body.subarray(a, b + 1));
      }
      const bad = await fetch(`${s.url}/storage/videos/clip.mp4`, { headers: { Range: 'bytes=1000-' } });
      expect(bad.status).toBe(416);
      expect(bad.headers.get('content-range')).toBe('bytes */1000');
      const multi = await fetch(`${s.url}/storage/videos/clip.mp4`, { headers: { Range: 'bytes=0-1,5-6' } });
      expect(multi.status).toBe(200);
      await multi.arrayBuffer();
    });

    it('HEAD has the headers and no body; ETag makes a conditional GET 304', async () => {
      const head = await rawRequest(s.url, { method: 'HEAD', path: '/storage/videos/clip.mp4' });
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe('1000');
      expect(head.body).toBe('');
      const again = await fetch(`${s.url}/storage/videos/clip.mp4`, {
        headers: { 'If-None-Match': head.headers.etag! },
      });
      expect(again.status).toBe(304);
    });

    it('HTML is never shown inline: attachment, nosniff, sandbox CSP', async () => {
      const res = await fetch(`${s.url}/storage/evil/page.html`);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      await res.arrayBuffer();
    });

    it('a missing object is 404 XML; other methods 405', async () => {
      const res = await fetch(`${s.url}/storage/nope.pdf`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('<Code>NoSuchKey</Code>');
      expect((await fetch(`${s.url}/storage/videos/clip.mp4`, { method: 'DELETE' })).status).toBe(405);
    });
  });

  describe('traversal', () => {
    beforeAll(() => {
      // A file outside STORAGE_DIR that a traversal would reach.
      fs.writeFileSync(path.join(s.ctx.dir, 'secret.txt'), 'top secret');
    });

    it('no path reaches outside STORAGE_DIR, for reads or writes', async () => {
      const attempts = [
        '/storage/../secret.txt',
        '/storage/%2e%2e/secret.txt',
        '/storage/%2E%2E%2Fsecret.txt',
        '/storage/a/..%2F..%2Fsecret.txt',
        '/storage/%252e%252e%252fsecret.txt',
        '/storage/..%5csecret.txt',
        '/storage/%2Ftmp%2Fx',
        '/storage/a%00.txt',
        '/storage/.tmp/x',
        '/storage/%c0%ae%c0%ae/secret.txt',
      ];
      for (const p of attempts) {
        for (const method of ['GET', 'PUT']) {
          const r = await rawRequest(s.url, {
            method,
            path: p,
            body: method === 'PUT' ? Buffer.from('pwned') : undefined,
          });
          expect([400, 403, 404]).toContain(r.status);
          expect(r.body).not.toContain('top secret');
        }
      }
      expect(fs.readFileSync(path.join(s.ctx.dir, 'secret.txt'), 'utf8')).toBe('top secret');
    });

    it('a validly signed traversal key is still refused (the signature is not the only fence)', async () => {
      const auth = COS.getAuthorization({
        SecretId: s.ctx.cloud.secretId,
        SecretKey: s.ctx.cloud.secretKey,
        Method: 'PUT',
        Key: '../secret.txt',
        Headers: { Host: host() },
        KeyTime: `${s.ctx.clock.nowS() - 1};${s.ctx.clock.nowS() + 60}`,
      });
      const r = await rawRequest(s.url, {
        method: 'PUT',
        path: `/storage/%2E%2E%2Fsecret.txt?${auth}`,
        body: Buffer.from('pwned'),
      });
      expect(r.status).toBe(400);
      expect(fs.readFileSync(path.join(s.ctx.dir, 'secret.txt'), 'utf8')).toBe('top secret');
    });
  });

  describe('symbolic links', () => {
    it('a link inside STORAGE_DIR to a file or folder outside is never followed: GET 404, PUT through it refused', async () => {
      const outside = path.join(s.ctx.dir, 'outside');
      fs.mkdirSync(outside, { recursive: true });
      fs.writeFileSync(path.join(outside, 'x.txt'), 'outside secret');
      fs.symlinkSync('/etc/passwd', objectFile('passwd.txt'));
      fs.symlinkSync(path.join(s.ctx.dir, 'secret.txt'), objectFile('secret-link.txt'));
      fs.symlinkSync(outside, objectFile('linkdir'));
      for (const p of ['/storage/passwd.txt', '/storage/secret-link.txt', '/storage/linkdir/x.txt']) {
        const r = await rawRequest(s.url, { method: 'GET', path: p });
        expect(r.status, p).toBe(404);
        expect(r.body).not.toContain('root:');
        expect(r.body).not.toContain('top secret');
        expect(r.body).not.toContain('outside secret');
      }
      const put = s.ctx.storage.presignPut('linkdir/new.txt', { expiresS: 60 });
      const u = new URL(put.url);
      const r = await rawRequest(s.url, {
        method: 'PUT',
        path: `${u.pathname}${u.search}`,
        headers: { host: u.host },
        body: Buffer.from('pwned'),
      });
      expect(r.status).toBe(400);
      expect(fs.existsSync(path.join(outside, 'new.txt'))).toBe(false);
    });

    it("the server's own folders exist from the start (nobody can claim their names as files)", () => {
      for (const dir of ['uploads', 'playback', 'demo', 'users', 'courses'])
        expect(fs.statSync(objectFile(dir)).isDirectory(), dir).toBe(true);
    });
  });

  describe('uploads', () => {
    it('presigned PUT stores the object atomically, records it in stored_objects, leaves no temp file', async () => {
      const p = s.ctx.storage.presignPut('up/a.png', { contentType: 'image/png', expiresS: 300 });
      const res = await fetch(p.url, { method: 'PUT', headers: p.headers, body: Buffer.alloc(100, 1) });
      expect(res.status).toBe(200);
      expect(fs.statSync(objectFile('up/a.png')).size).toBe(100);
      const row = await s.ctx.db.query.storedObjects.findFirst({ where: (o, { eq }) => eq(o.key, 'up/a.png') });
      expect(row).toMatchObject({ size: 100, mime: 'image/png', createdAt: s.ctx.clock.nowS() });
      expect(fs.readdirSync(path.join(s.ctx.env.STORAGE_DIR, '.tmp'))).toEqual([]);
    });

    it('an Authorization header signed by the SDK works too (as cos-js-sdk uploads do)', async () => {
      const now = s.ctx.clock.nowS();
      const authorization = COS.getAuthorization({
        SecretId: s.ctx.cloud.secretId,
        SecretKey: s.ctx.cloud.secretKey,
        Method: 'PUT',
        Key: 'up/b c.txt',
        Headers: { Host: host(), 'Content-Type': 'text/plain' },
        KeyTime: `${now - 1};${now + 60}`,
      });
      const res = await fetch(`${s.url}/storage/${encodeKeyPath('up/b c.txt')}`, {
        method: 'PUT',
        headers: { Authorization: authorization, 'Content-Type': 'text/plain' },
        body: 'hello',
      });
      expect(res.status).toBe(200);
      expect(await (await fetch(`${s.url}/storage/up/b%20c.txt`)).text()).toBe('hello');
    });

    it('refuses: no signature, forged, other SecretId, expired, other host, other key, other method', async () => {
      const before = fs.existsSync(objectFile('up/x.pdf'));
      expect(before).toBe(false);
      const p = s.ctx.storage.presignPut('up/x.pdf', { expiresS: 60 });
      const q = p.url.slice(p.url.indexOf('?'));
      const forged = q.replace(/q-signature=[0-9a-f]/, (m) =>
        m.endsWith('0') ? m.slice(0, -1) + '1' : m.slice(0, -1) + '0',
      );
      const cases: { path: string; headers?: Record<string, string>; code: string }[] = [
        { path: '/storage/up/x.pdf', code: 'AccessDenied' },
        { path: `/storage/up/x.pdf${forged}`, code: 'SignatureDoesNotMatch' },
        { path: `/storage/up/x.pdf${q.replace(/q-ak=[^&]+/, 'q-ak=AKIDSOMEONEELSE')}`, code: 'AccessDenied' },
        { path: `/storage/up/x.pdf${q}`, headers: { Host: 'evil.example' }, code: 'SignatureDoesNotMatch' },
        { path: `/storage/up/y.pdf${q}`, code: 'SignatureDoesNotMatch' },
      ];
      for (const c of cases) {
        const r = await rawRequest(s.url, {
          method: 'PUT',
          path: c.path,
          headers: c.headers,
          body: Buffer.from('%PDF-1.4'),
        });
        expect(r.status).toBe(403);
        expect(r.body).toContain(`<Code>${c.code}</Code>`);
      }
      s.ctx.clock.advance(61);
      try {
        const r = await rawRequest(s.url, {
          method: 'PUT',
          path: `/storage/up/x.pdf${q}`,
          body: Buffer.from('%PDF-1.4'),
        });
        expect(r.status).toBe(403);
        expect(r.body).toContain('expired');
      } finally {
        s.ctx.clock.advance(-61);
      }
      expect(fs.existsSync(objectFile('up/x.pdf'))).toBe(false);
      expect(fs.existsSync(objectFile('up/y.pdf'))).toBe(false);
    });

    it('a wrong Content-MD5 is refused and stores nothing', async () => {
      const p = s.ctx.storage.presignPut('up/md5.txt', { expiresS: 60 });
      const r = await fetch(p.url, {
        method: 'PUT',
        headers: { 'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==' },
        body: 'not empty',
      });
      expect(r.status).toBe(400);
      expect(await r.text()).toContain('BadDigest');
      expect(fs.existsSync(objectFile('up/md5.txt'))).toBe(false);
    });

    it('oversized bodies are refused: declared Content-Length, and a chunked stream cut off mid-way', async () => {
      const p = s.ctx.storage.presignPut('up/big.mp4', { expiresS: 60 });
      const pathQ = p.url.slice(s.url.length);
      const declared = await rawRequest(s.url, { method: 'PUT', path: pathQ, body: Buffer.alloc(MAX + 1) });
      expect(declared.status).toBe(413);
      expect(declared.body).toContain('EntityTooLarge');
      const streamed = await rawRequest(s.url, {
        method: 'PUT',
        path: pathQ,
        headers: { 'Transfer-Encoding': 'chunked' },
        body: async function* () {
          for (let i = 0; i < 20; i++) yield Buffer.alloc(8 * 1024, i);
        },
      });
      expect(streamed.status).toBe(413);
      expect(fs.existsSync(objectFile('up/big.mp4'))).toBe(false);
      expect(fs.readdirSync(path.join(s.ctx.env.STORAGE_DIR, '.tmp'))).toEqual([]);
      // Exactly the limit is fine.
      const ok = await fetch(p.url, { method: 'PUT', body: Buffer.alloc(MAX) });
      expect(ok.status).toBe(200);
    });

    it('stale temp files (a crashed upload) are swept when the route starts', async () => {
      const tmp = path.join(s.ctx.env.STORAGE_DIR, '.tmp', 'orphan');
      fs.writeFileSync(tmp, 'half an upload');
      // Ages are read on the injected clock (the OS clock outside tests): mtimes are set relative to it.
      const now = s.ctx.clock.nowMs();
      const old = new Date(now - 7200_000);
      const fresh = path.join(s.ctx.env.STORAGE_DIR, '.tmp', 'in-progress');
      fs.writeFileSync(fresh, 'an upload still running');
      fs.utimesSync(tmp, old, old);
      fs.utimesSync(fresh, new Date(now), new Date(now));
      const { createStorageHandler } = await import('./handler');
      createStorageHandler(s.ctx);
      await expect.poll(() => fs.existsSync(tmp)).toBe(false);
      expect(fs.existsSync(fresh)).toBe(true);
      fs.rmSync(fresh);
    });

    it('still answers after all that', async () => {
      expect((await fetch(`${s.url}/storage/up/a.png`)).status).toBe(200);
    });
  });

  it('with STORAGE_PROVIDER=tencent the route serves nothing (objects are in COS)', async () => {
    const t = await startStorageTestServer({
      STORAGE_PROVIDER: 'tencent',
      TENCENT_SECRET_ID: 'id',
      TENCENT_SECRET_KEY: 'key',
      COS_BUCKET: 'edu-1250000000',
      COS_REGION: 'ap-guangzhou',
    });
    try {
      fs.mkdirSync(t.ctx.env.STORAGE_DIR, { recursive: true });
      fs.writeFileSync(path.join(t.ctx.env.STORAGE_DIR, 'a.txt'), 'local file');
      const r = await fetch(`${t.url}/storage/a.txt`);
      expect(r.status).toBe(404);
      expect(await r.text()).toContain('NoSuchBucket');
    } finally {
      await t.close();
    }
  });
});

describe('storage route without configured TENCENT_SECRET_* keys', () => {
  it('the development key once published in the source no longer signs uploads; the generated local key does', async () => {
    const s = await startStorageTestServer({});
    try {
      const host = new URL(s.url).host;
      const sign = (secretId: string, secretKey: string) =>
        COS.getAuthorization({
          SecretId: secretId,
          SecretKey: secretKey,
          Method: 'PUT',
          Key: 'up/x.png',
          Headers: { Host: host },
          KeyTime: `${s.ctx.clock.nowS() - 1};${s.ctx.clock.nowS() + 60}`,
        });
      const published = await rawRequest(s.url, {
        method: 'PUT',
        path: `/storage/up/x.png?${sign('AKIDLOCALDEVELOPMENTONLY', 'local-development-secret-key')}`,
        headers: { Host: host },
        body: Buffer.from('pwned'),
      });
      expect(published.status).toBe(403);
      expect(fs.existsSync(path.join(s.ctx.env.STORAGE_DIR, 'up/x.png'))).toBe(false);
      expect(s.ctx.cloud.secretId).toMatch(/^AKIDLOCAL[0-9A-F]{24}$/);
      const mine = await rawRequest(s.url, {
        method: 'PUT',
        path: `/storage/up/x.png?${sign(s.ctx.cloud.secretId, s.ctx.cloud.secretKey)}`,
        headers: { Host: host },
        body: Buffer.from('mine'),
      });
      expect(mine.status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
