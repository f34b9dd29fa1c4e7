import { describe, expect, it } from 'vitest';
import { registerUser } from '../services/accounts';
import { createTestCtx } from '../testing/test-ctx';
import { handleTrpcRequest } from './http';
import { clientPwd, signedIn } from './testing';
import { inTransaction } from '../../db/client';
import { sql } from 'drizzle-orm';
import { rawWrite } from '../../db/dialect';

const BASE = 'http://console.test/api/trpc';
const browser = {
  host: 'console.test',
  origin: 'http://console.test',
  'sec-fetch-site': 'same-origin',
  'x-console-csrf': '1',
  'content-type': 'application/json',
};

type ErrorBody = {
  error: {
    message: string;
    code: number;
    data: { code: string; httpStatus: number; appCode: string | null; zodError: unknown; stack?: string };
  };
};

describe('tRPC over fetch (the /api/trpc route)', () => {
  it('logs in over HTTP and sets the session cookie', async () => {
    const ctx = createTestCtx();
    await signedIn(ctx, 'web1');
    const res = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/auth.login`, {
        method: 'POST',
        headers: browser,
        body: JSON.stringify({ id: 'web1', pwd: clientPwd('pass') }),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(
      /^console_session=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const secret = res.headers.get('set-cookie')!.split(';')[0]!;
    const me = await handleTrpcRequest(ctx, new Request(`${BASE}/auth.me`, { headers: { cookie: secret } }));
    expect(await me.json()).toEqual({ result: { data: { uid: 'web1', role: 1 } } });
  });

  it('bounds the body at 1 MB before tRPC reads it (declared or streamed); a normal mutation still works', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'big1');
    const headers = { ...browser, cookie: `console_session=${t.secret}` };
    const big = JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) });
    const declared = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/course.create`, { method: 'POST', headers, body: big }),
    );
    expect(declared.status).toBe(413);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += 64 * 1024;
        if (pulled > 5 * 1024 * 1024) c.close();
        else c.enqueue(new Uint8Array(64 * 1024).fill(0x61));
      },
    });
    const chunked = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/course.create`, { method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit),
    );
    expect(chunked.status).toBe(413);
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
    const ok = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/course.create`, { method: 'POST', headers, body: JSON.stringify({ title: 'fine' }) }),
    );
    expect(ok.status).toBe(200);
  });

  it('maps domain errors with appCode and HTTP status, and input errors with a flattened zod error', async () => {
    const ctx = createTestCtx();
    const res = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/auth.login`, {
        method: 'POST',
        headers: browser,
        body: JSON.stringify({ id: 'nobody', pwd: 'eA==' }),
      }),
    );
    expect(res.status).toBe(401);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.data).toMatchObject({
      code: 'UNAUTHORIZED',
      appCode: 'WRONG_PASSWORD',
      httpStatus: 401,
      zodError: null,
    });
    expect(body.error.data.stack).toBeUndefined();

    const bad = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/auth.register`, {
        method: 'POST',
        headers: browser,
        body: JSON.stringify({ id: 'no spaces', pwd: '' }),
      }),
    );
    expect(bad.status).toBe(400);
    const b = (await bad.json()) as ErrorBody;
    expect(b.error.data.appCode).toBe('BAD_INPUT');
    expect(b.error.data.zodError).toMatchObject({
      fieldErrors: { id: [expect.any(String)], pwd: [expect.any(String)] },
    });
  });

  it('input errors name the field and the limit in the language of the caller (zod and service refusals alike)', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'zh1');
    const call = async (path: string, input: unknown, lang: string) => {
      const res = await handleTrpcRequest(
        ctx,
        new Request(`${BASE}/${path}`, {
          method: 'POST',
          headers: { ...browser, cookie: `console_session=${t.secret}`, 'accept-language': lang },
          body: JSON.stringify(input),
        }),
      );
      expect(res.status).toBe(400);
      const b = (await res.json()) as ErrorBody;
      expect(b.error.data.appCode).toBe('BAD_INPUT');
      return b.error.data.zodError as { formErrors: string[]; fieldErrors: Record<string, string[]> };
    };
    const now = ctx.clock.nowS();
    // zod: a 3-minute length.
    expect((await call('course.create', { title: 'x', plannedMinutes: 3 }, 'en')).fieldErrors).toEqual({
      plannedMinutes: ['must be at least 5 minutes'],
    });
    expect((await call('course.create', { title: 'x', plannedMinutes: 3 }, 'zh-CN')).fieldErrors).toEqual({
      plannedMinutes: ['至少 5 分钟'],
    });
    // The service: a start two years ahead.
    const far = { title: 'x', plannedStart: now + 730 * 86400 };
    expect((await call('course.create', far, 'en')).fieldErrors).toEqual({
      plannedStart: ['must be at most 366 days ahead'],
    });
    expect((await call('course.create', far, 'zh-CN')).fieldErrors).toEqual({ plannedStart: ['最多只能提前 366 天'] });
    // A 5 000-line class list.
    const lines = Array.from({ length: 5000 }, (_, i) => `s${i}`).join('\n');
    expect((await call('classList.importCsv', { text: lines }, 'en')).fieldErrors).toEqual({
      text: ['at most 1000 lines'],
    });
    expect((await call('classList.importCsv', { text: lines }, 'zh-CN')).fieldErrors).toEqual({
      text: ['最多 1000 行'],
    });
    // zod's own defaults come out Chinese too, never English.
    const missing = await call('course.create', {}, 'zh-CN');
    expect(missing.fieldErrors.title).toEqual(['必填']);
    expect(JSON.stringify([missing.formErrors, Object.values(missing.fieldErrors)])).not.toMatch(/[A-Za-z]{3,}/);
  });

  it('a new console password needs 8 characters once decoded (the form sends base64); the legacy door keeps its rules', async () => {
    const ctx = createTestCtx();
    const register = (id: string, plain: string) =>
      handleTrpcRequest(
        ctx,
        new Request(`${BASE}/auth.register`, {
          method: 'POST',
          headers: { ...browser, 'accept-language': 'en' },
          body: JSON.stringify({ id, pwd: clientPwd(plain) }),
        }),
      );
    // 7 characters: 'MTIzNDU2Nw==' is 12 base64 characters, so only the decoded length can refuse it.
    for (const short of ['1234567', '七个汉字密码码']) {
      const res = await register('short1', short);
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.data.appCode).toBe('BAD_INPUT');
      expect(body.error.data.zodError).toEqual({
        formErrors: [],
        fieldErrors: { pwd: ['password must have at least 8 characters'] },
      });
    }
    expect((await register('long1', '八个汉字的好密码')).status).toBe(200);
    expect((await register('long2', '12345678')).status).toBe(200);
    // account/regist (2017 clients) is untouched: a 3-character password still registers.
    await expect(
      registerUser(ctx, { id: 'phone1', pwd: clientPwd('pwd'), role: 0, ip: '10.0.0.3' }),
    ).resolves.toBeUndefined();
  });

  it("another teacher's course is 404 over HTTP", async () => {
    const ctx = createTestCtx();
    const a = await signedIn(ctx, 'tA');
    const b = await signedIn(ctx, 'tB');
    const { roomnum } = await a.api.course.create({ title: 'A' });
    const res = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/course.byId?input=${encodeURIComponent(JSON.stringify({ roomnum }))}`, {
        headers: { cookie: `console_session=${b.secret}` },
      }),
    );
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.data.appCode).toBe('ROOM_NOT_FOUND');
  });

  it('refuses a cross-site form post (no custom header) and a foreign Origin with 403, changing nothing', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'victim');
    const cookie = `console_session=${t.secret}`;
    const form = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/course.create`, {
        method: 'POST',
        headers: { host: 'console.test', origin: 'http://evil.test', cookie, 'content-type': 'text/plain' },
        body: JSON.stringify({ title: 'pwned' }),
      }),
    );
    // A form can only send text/plain, urlencoded or multipart: tRPC refuses them before any procedure runs.
    expect(form.status).toBe(415);
    const noHeader = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/course.create`, {
        method: 'POST',
        headers: { host: 'console.test', cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'pwned' }),
      }),
    );
    expect(noHeader.status).toBe(403);
    const foreign = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/course.create`, {
        method: 'POST',
        headers: { ...browser, origin: 'http://evil.test', cookie },
        body: JSON.stringify({ title: 'pwned' }),
      }),
    );
    expect(foreign.status).toBe(403);
    // Forwarded Host/Proto from a client that is not a trusted proxy prove nothing: still cross-origin.
    const spoofed = (c: string) =>
      new Request(`${BASE}/course.create`, {
        method: 'POST',
        headers: {
          ...browser,
          origin: 'https://class.example',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'class.example',
          cookie: c,
        },
        body: JSON.stringify({ title: 'ok' }),
      });
    expect((await handleTrpcRequest(ctx, spoofed(cookie))).status).toBe(403);
    expect((await t.api.course.list({})).items).toEqual([]);
    // Behind a TLS proxy named in TRUSTED_PROXY the origin is https://<forwarded host>.
    const behindProxy = createTestCtx({ TRUSTED_PROXY: '127.0.0.1' });
    const p = await signedIn(behindProxy, 'victim');
    expect((await handleTrpcRequest(behindProxy, spoofed(`console_session=${p.secret}`))).status).toBe(200);
    expect((await p.api.course.list({})).items.map((c) => c.title)).toEqual(['ok']);
  });

  it('never echoes an internal error', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'boom');
    await inTransaction(ctx.db, (tx) => rawWrite(tx, sql`DROP TABLE bound_files`));
    const res = await handleTrpcRequest(
      ctx,
      new Request(`${BASE}/courseware.list?input=${encodeURIComponent(JSON.stringify({ roomnum: 0 }))}`, {
        headers: { cookie: `console_session=${t.secret}` },
      }),
    );
    expect(res.status).toBe(500);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.message).toBe('internal error');
    expect(JSON.stringify(body)).not.toContain('bound_files');
  });
});
