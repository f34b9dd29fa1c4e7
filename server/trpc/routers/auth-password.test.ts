import { describe, expect, it } from 'vitest';
import { issueResetCode } from '../../services/password-change';
import { createTestCtx } from '../../testing/test-ctx';
import { callerFor, clientPwd, codeOf, errOf, signedIn } from '../testing';

describe('auth.changePassword', () => {
  it('changes the password, keeps this session, signs other sessions out; login works with the new one only', async () => {
    const ctx = createTestCtx();
    const me = await signedIn(ctx, 'teach1');
    const elsewhere = await callerFor(ctx, null).api.auth.login({ id: 'teach1', pwd: clientPwd('pass') });
    expect(elsewhere.uid).toBe('teach1');
    const otherSecret = callerFor(ctx, null);
    await otherSecret.api.auth.login({ id: 'teach1', pwd: clientPwd('pass') });
    const other = otherSecret.setCookies[0]!.split(';')[0]!.split('=')[1]!;

    expect(await me.api.auth.changePassword({ current: clientPwd('pass'), next: clientPwd('longer-pass') })).toEqual({
      ok: true,
    });
    expect(await me.api.auth.me()).toEqual({ uid: 'teach1', role: 1 });
    expect(await callerFor(ctx, other).api.auth.me()).toBeNull();
    expect(await codeOf(callerFor(ctx, null).api.auth.login({ id: 'teach1', pwd: clientPwd('pass') }))).toBe(
      'UNAUTHORIZED',
    );
    expect(await callerFor(ctx, null).api.auth.login({ id: 'teach1', pwd: clientPwd('longer-pass') })).toEqual({
      uid: 'teach1',
      role: 1,
    });
  });

  it('wants a session, the right current password and a new one of at least 8 characters', async () => {
    const ctx = createTestCtx();
    const me = await signedIn(ctx, 'teach1');
    expect(
      await codeOf(
        callerFor(ctx, null).api.auth.changePassword({ current: clientPwd('pass'), next: clientPwd('longer-pass') }),
      ),
    ).toBe('UNAUTHORIZED');
    const short = await errOf(me.api.auth.changePassword({ current: clientPwd('pass'), next: clientPwd('short7!') }));
    expect(short.code).toBe('BAD_REQUEST');
    expect(short.message).toContain('at least 8 characters');
    expect(
      (await errOf(me.api.auth.changePassword({ current: clientPwd('nope'), next: clientPwd('longer-pass') }))).appCode,
    ).toBe('WRONG_PASSWORD');
  });

  it('refuses the same password again, naming the field, and signs nobody out', async () => {
    const ctx = createTestCtx();
    const me = await signedIn(ctx, 'teach1');
    await me.api.auth.changePassword({ current: clientPwd('pass'), next: clientPwd('long-enough-pass') });
    const login = callerFor(ctx, null);
    await login.api.auth.login({ id: 'teach1', pwd: clientPwd('long-enough-pass') });
    const other = callerFor(ctx, login.setCookies[0]!.split(';')[0]!.split('=')[1]!);
    const same = await errOf(
      me.api.auth.changePassword({ current: clientPwd('long-enough-pass'), next: clientPwd('long-enough-pass') }),
    );
    expect(same).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT' });
    expect(same.message).toBe('next: must differ from the current password');
    expect(await other.api.auth.me()).toEqual({ uid: 'teach1', role: 1 });
    // A wrong current password is still reported as that, first.
    const wrong = await errOf(
      me.api.auth.changePassword({ current: clientPwd('not-it-at-all'), next: clientPwd('not-it-at-all') }),
    );
    expect(wrong.appCode).toBe('WRONG_PASSWORD');
  });

  it('refuses a mutation without the CSRF header', async () => {
    const ctx = createTestCtx();
    const me = await signedIn(ctx, 'teach1');
    const noCsrf = callerFor(ctx, me.secret, { csrf: false });
    expect(
      await codeOf(noCsrf.api.auth.changePassword({ current: clientPwd('pass'), next: clientPwd('longer-pass') })),
    ).toBe('FORBIDDEN');
  });
});

describe('auth.resetPassword', () => {
  it('trades id + code + new password for a new password, once', async () => {
    const ctx = createTestCtx();
    await signedIn(ctx, 'teach1');
    const { code } = await issueResetCode(ctx, 'teach1');
    const anon = callerFor(ctx, null);
    expect(await anon.api.auth.resetPassword({ id: 'teach1', code, pwd: clientPwd('reset-pass') })).toEqual({
      ok: true,
    });
    // Resetting does not sign in.
    expect(anon.setCookies).toEqual([]);
    expect(await anon.api.auth.login({ id: 'teach1', pwd: clientPwd('reset-pass') })).toEqual({
      uid: 'teach1',
      role: 1,
    });
    const again = await errOf(
      callerFor(ctx, null).api.auth.resetPassword({ id: 'teach1', code, pwd: clientPwd('other-pass') }),
    );
    expect(again.code).toBe('UNAUTHORIZED');
    expect(again.message).toContain('reset code');
  });
});
