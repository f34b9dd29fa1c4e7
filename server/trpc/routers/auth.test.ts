import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { loginLegacy } from '../../services/accounts';
import { resolveToken } from '../../services/auth-tokens';
import { LOGIN_MAX_ATTEMPTS, LOGIN_WINDOW_S } from '../../services/login-rate-limit';
import { createTestCtx } from '../../testing/test-ctx';
import { callerFor, clientPwd, codeOf, signedIn } from '../testing';

describe('auth router', () => {
  it('registers a teacher, sets an httpOnly SameSite=Lax session cookie, and knows who is calling', async () => {
    const ctx = createTestCtx();
    const anon = callerFor(ctx, null);
    expect(await anon.api.auth.me()).toBeNull();
    expect(await anon.api.auth.register({ id: 'teach1', pwd: clientPwd('秘密pass1234') })).toEqual({
      uid: 'teach1',
      role: 1,
    });
    const cookie = anon.setCookies[0]!;
    expect(cookie).toMatch(/^console_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    const secret = cookie.split(';')[0]!.split('=')[1]!;
    expect(await callerFor(ctx, secret).api.auth.me()).toEqual({ uid: 'teach1', role: 1 });
    // The same account logs in through the legacy API with the same client-encoded password.
    const legacy = await loginLegacy(ctx, {
      id: 'teach1',
      pwd: clientPwd('秘密pass1234'),
      appid: ctx.env.SDKAPPID,
      ip: '10.0.0.2',
    });
    expect(legacy.role).toBe(1);
  });

  it('refuses an existing id with CONFLICT', async () => {
    const ctx = createTestCtx();
    await signedIn(ctx, 'taken');
    expect(await codeOf(callerFor(ctx, null).api.auth.register({ id: 'taken', pwd: clientPwd('password') }))).toBe(
      'CONFLICT',
    );
  });

  it('rejects bad input as BAD_REQUEST', async () => {
    const ctx = createTestCtx();
    expect(await codeOf(callerFor(ctx, null).api.auth.register({ id: 'bad id!', pwd: 'x' }))).toBe('BAD_REQUEST');
    expect(await codeOf(callerFor(ctx, null).api.auth.login({ id: 'ok', pwd: '' }))).toBe('BAD_REQUEST');
  });

  it('sets Secure on the cookie behind https', async () => {
    const ctx = createTestCtx();
    const c = callerFor(ctx, null, {
      headers: { 'x-forwarded-proto': 'https', origin: 'https://console.test' },
      trusted: ['127.0.0.1'],
    });
    await c.api.auth.register({ id: 'sec1', pwd: clientPwd('password') });
    expect(c.setCookies[0]).toMatch(/; Secure$/);
  });

  it('logs in with the password a mobile client set, and a console login does not sign the phone out', async () => {
    const ctx = createTestCtx();
    await signedIn(ctx, 'phone1');
    const phone = await loginLegacy(ctx, {
      id: 'phone1',
      pwd: clientPwd('pass'),
      appid: ctx.env.SDKAPPID,
      ip: '10.0.0.2',
    });
    const c = callerFor(ctx, null);
    expect(await c.api.auth.login({ id: 'phone1', pwd: clientPwd('pass') })).toEqual({ uid: 'phone1', role: 1 });
    const secret = c.setCookies[0]!.split(';')[0]!.split('=')[1]!;
    await callerFor(ctx, secret).api.auth.logout();
    expect((await resolveToken(ctx, phone.token, 'legacy', ctx.env.SDKAPPID)).uid).toBe('phone1');
    // The console session is gone, and the cookie is cleared.
    expect(await callerFor(ctx, secret).api.auth.me()).toBeNull();
  });

  it('logout clears the cookie and is harmless when repeated or logged out', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'out1');
    const first = callerFor(ctx, t.secret);
    await first.api.auth.logout();
    expect(first.setCookies[0]).toMatch(/^console_session=; Max-Age=0;/);
    await expect(callerFor(ctx, t.secret).api.auth.logout()).resolves.toEqual({ ok: true });
    await expect(callerFor(ctx, null).api.auth.logout()).resolves.toEqual({ ok: true });
  });

  it('answers a wrong password and an unknown id alike (UNAUTHORIZED, WRONG_PASSWORD)', async () => {
    const ctx = createTestCtx();
    await signedIn(ctx, 'known');
    const errs = await Promise.all(
      [
        { id: 'known', pwd: clientPwd('nope') },
        { id: 'unknown', pwd: clientPwd('pass') },
      ].map((cred) =>
        callerFor(ctx, null)
          .api.auth.login(cred)
          .then(
            () => null,
            (e: TRPCError) => e,
          ),
      ),
    );
    for (const e of errs) {
      expect(e?.code).toBe('UNAUTHORIZED');
      expect(e?.message).toBe('wrong id or password');
    }
  });

  it('rate-limits LOGIN_LIMIT_PER_ID failures per id from new addresses, even with the right password, then lets it through', async () => {
    const ctx = createTestCtx({ LOGIN_LIMIT_PER_ID: String(LOGIN_MAX_ATTEMPTS) });
    await signedIn(ctx, 'victim');
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) {
      // Different IPs: the per-id limit alone must stop this.
      const c = callerFor(ctx, null, { ip: `10.1.0.${i}` });
      expect(await codeOf(c.api.auth.login({ id: 'victim', pwd: clientPwd('guess' + i) }))).toBe('UNAUTHORIZED');
      ctx.clock.advance(10);
    }
    const fresh = callerFor(ctx, null, { ip: '10.2.0.1' });
    const err = await fresh.api.auth.login({ id: 'victim', pwd: clientPwd('pass') }).catch((e: TRPCError) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('TOO_MANY_REQUESTS');
    // The first failure leaves the window at T0 + 600; now is T0 + 100.
    expect((err as TRPCError & { cause: { data: { retryAfterS: number } } }).cause.data.retryAfterS).toBe(
      LOGIN_WINDOW_S - 100,
    );
    ctx.clock.advance(LOGIN_WINDOW_S - 100);
    await expect(fresh.api.auth.login({ id: 'victim', pwd: clientPwd('pass') })).resolves.toEqual({
      uid: 'victim',
      role: 1,
    });
  });

  it('rate-limits LOGIN_LIMIT_PER_IP failures per IP across ids (password spraying)', async () => {
    const ctx = createTestCtx({ LOGIN_LIMIT_PER_IP: String(LOGIN_MAX_ATTEMPTS) });
    await signedIn(ctx, 'other');
    const ip = { ip: '192.0.2.7' };
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) {
      expect(await codeOf(callerFor(ctx, null, ip).api.auth.login({ id: `user${i}`, pwd: clientPwd('x') }))).toBe(
        'UNAUTHORIZED',
      );
    }
    expect(await codeOf(callerFor(ctx, null, ip).api.auth.login({ id: 'other', pwd: clientPwd('pass') }))).toBe(
      'TOO_MANY_REQUESTS',
    );
    // Another address is unaffected.
    await expect(
      callerFor(ctx, null, { ip: '192.0.2.8' }).api.auth.login({ id: 'other', pwd: clientPwd('pass') }),
    ).resolves.toEqual({ uid: 'other', role: 1 });
  });

  it('requires the CSRF header and a same-origin browser for login', async () => {
    const ctx = createTestCtx();
    await signedIn(ctx, 'csrf1');
    const cred = { id: 'csrf1', pwd: clientPwd('pass') };
    expect(await codeOf(callerFor(ctx, null, { csrf: false }).api.auth.login(cred))).toBe('FORBIDDEN');
    expect(await codeOf(callerFor(ctx, null, { headers: { origin: 'http://evil.test' } }).api.auth.login(cred))).toBe(
      'FORBIDDEN',
    );
    expect(
      await codeOf(callerFor(ctx, null, { headers: { 'sec-fetch-site': 'cross-site' } }).api.auth.login(cred)),
    ).toBe('FORBIDDEN');
    // Queries are not state-changing and need no header.
    await expect(callerFor(ctx, null, { csrf: false }).api.auth.me()).resolves.toBeNull();
  });

  it('an expired session is logged out', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'idle1');
    ctx.clock.advance(ctx.env.TOKEN_IDLE_EXPIRE_S + 1);
    expect(await callerFor(ctx, t.secret).api.auth.me()).toBeNull();
    expect(await codeOf(callerFor(ctx, t.secret).api.course.list({}))).toBe('UNAUTHORIZED');
  });

  it('a legacy token is not a console session', async () => {
    const ctx = createTestCtx();
    await signedIn(ctx, 'tok1');
    const phone = await loginLegacy(ctx, {
      id: 'tok1',
      pwd: clientPwd('pass'),
      appid: ctx.env.SDKAPPID,
      ip: '10.0.0.2',
    });
    expect(await callerFor(ctx, phone.token).api.auth.me()).toBeNull();
  });
});
