import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { passwordResetCodes, users } from '../../db/schema';
import { createTestCtx } from '../testing/test-ctx';
import { checkLogin, createAccount } from './accounts';
import { issueToken, resolveToken } from './auth-tokens';
import { LOGIN_MAX_ATTEMPTS } from './login-rate-limit';
import { verifyPassword } from './passwords';
import { changePassword, issueResetCode, RESET_CODE_TTL_S, resetWithCode } from './password-change';
import { decodeClientPassword, newConsolePasswordInput } from './schemas';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const IP = '198.51.100.7';

async function errCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'resolved';
}

async function withUser() {
  const ctx = createTestCtx();
  await createAccount(ctx, { id: 't1', pwd: b64('old-password'), role: 1 });
  const appid = ctx.env.SDKAPPID;
  const current = await issueToken(ctx, 't1', 'console', appid);
  const other = await issueToken(ctx, 't1', 'console', appid);
  const legacy = await issueToken(ctx, 't1', 'legacy', appid);
  const alive = async (secret: string, kind: 'console' | 'legacy') => {
    try {
      await resolveToken(ctx, secret, kind, appid);
      return true;
    } catch {
      return false;
    }
  };
  return { ctx, current, other, legacy, alive };
}

describe('new password rule', () => {
  it('counts decoded characters, not base64 length, and wants canonical base64 of UTF-8', () => {
    expect(newConsolePasswordInput.safeParse(b64('1234567')).success).toBe(false); // 12 base64 chars, 7 real ones
    expect(newConsolePasswordInput.safeParse(b64('12345678')).success).toBe(true);
    expect(newConsolePasswordInput.safeParse(b64('密码密码密码密码')).success).toBe(true); // 8 characters, 24 bytes
    expect(newConsolePasswordInput.safeParse(b64('密码密码密码密')).success).toBe(false);
    expect(newConsolePasswordInput.safeParse('not base64!!').success).toBe(false);
    expect(decodeClientPassword(Buffer.from([0xff, 0xfe, 0x41]).toString('base64'))).toBeNull();
  });
});

describe('changePassword', () => {
  it('sets the new password and revokes every other session and legacy token, keeping the current one', async () => {
    const { ctx, current, other, legacy, alive } = await withUser();
    await changePassword(ctx, {
      uid: 't1',
      current: b64('old-password'),
      next: b64('new-password'),
      ip: IP,
      keepSessionSecret: current,
    });
    await expect(checkLogin(ctx, { id: 't1', pwd: b64('new-password'), ip: null })).resolves.toEqual({
      uid: 't1',
      role: 1,
    });
    expect(await errCode(checkLogin(ctx, { id: 't1', pwd: b64('old-password'), ip: null }))).toBe('WRONG_PASSWORD');
    expect(await alive(current, 'console')).toBe(true);
    expect(await alive(other, 'console')).toBe(false);
    expect(await alive(legacy, 'legacy')).toBe(false);
  });

  it('refuses a wrong current password, changes nothing and counts it as a failed login', async () => {
    const { ctx, current, other, alive } = await withUser();
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) {
      expect(
        await errCode(
          changePassword(ctx, {
            uid: 't1',
            current: b64('guess'),
            next: b64('new-password'),
            ip: IP,
            keepSessionSecret: current,
          }),
        ),
      ).toBe('WRONG_PASSWORD');
    }
    expect(
      await errCode(
        changePassword(ctx, {
          uid: 't1',
          current: b64('old-password'),
          next: b64('new-password'),
          ip: IP,
          keepSessionSecret: current,
        }),
      ),
    ).toBe('RATE_LIMITED');
    // Unchanged: the stored hash still verifies the old password (read directly: logins are limited for this id now).
    const [row] = await ctx.db.select({ h: users.pwdHash }).from(users).where(eq(users.uid, 't1'));
    expect(await verifyPassword(b64('old-password'), row!.h)).toBe(true);
    expect(await alive(other, 'console')).toBe(true);
  });
});

describe('reset codes', () => {
  it('a code sets a new password once, revokes every credential, and cannot be used again', async () => {
    const { ctx, current, legacy, alive } = await withUser();
    const { code, expiresAt } = await issueResetCode(ctx, 't1');
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$/);
    expect(expiresAt).toBe(ctx.clock.nowS() + RESET_CODE_TTL_S);
    // Only the hash is stored.
    const rows = await ctx.db.select({ codeHash: passwordResetCodes.codeHash }).from(passwordResetCodes);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.codeHash).not.toContain(code.replace(/-/g, ''));

    // Typed back in lower case without dashes still works.
    await resetWithCode(ctx, {
      id: 't1',
      code: code.toLowerCase().replace(/-/g, ''),
      pwd: b64('brand-new-pass'),
      ip: IP,
    });
    await expect(checkLogin(ctx, { id: 't1', pwd: b64('brand-new-pass'), ip: null })).resolves.toBeTruthy();
    expect(await alive(current, 'console')).toBe(false);
    expect(await alive(legacy, 'legacy')).toBe(false);

    expect(await errCode(resetWithCode(ctx, { id: 't1', code, pwd: b64('another-pass'), ip: IP }))).toBe(
      'WRONG_PASSWORD',
    );
    await expect(checkLogin(ctx, { id: 't1', pwd: b64('brand-new-pass'), ip: null })).resolves.toBeTruthy();
  });

  it('expires after RESET_CODE_TTL_S (fixed clock)', async () => {
    const { ctx } = await withUser();
    const { code } = await issueResetCode(ctx, 't1');
    ctx.clock.advance(RESET_CODE_TTL_S);
    expect(await errCode(resetWithCode(ctx, { id: 't1', code, pwd: b64('brand-new-pass'), ip: IP }))).toBe(
      'WRONG_PASSWORD',
    );
    await expect(checkLogin(ctx, { id: 't1', pwd: b64('old-password'), ip: null })).resolves.toBeTruthy();
  });

  it('still works one second before expiry; a newer code replaces an older one', async () => {
    const { ctx } = await withUser();
    const first = await issueResetCode(ctx, 't1');
    const second = await issueResetCode(ctx, 't1');
    expect(await errCode(resetWithCode(ctx, { id: 't1', code: first.code, pwd: b64('brand-new-pass'), ip: IP }))).toBe(
      'WRONG_PASSWORD',
    );
    ctx.clock.advance(RESET_CODE_TTL_S - 1);
    await resetWithCode(ctx, { id: 't1', code: second.code, pwd: b64('brand-new-pass'), ip: IP });
    await expect(checkLogin(ctx, { id: 't1', pwd: b64('brand-new-pass'), ip: null })).resolves.toBeTruthy();
  });

  it('a code only works for its own account; wrong codes count as failed logins until RATE_LIMITED', async () => {
    const { ctx } = await withUser();
    await createAccount(ctx, { id: 't2', pwd: b64('t2-password'), role: 1 });
    const { code } = await issueResetCode(ctx, 't1');
    expect(await errCode(resetWithCode(ctx, { id: 't2', code, pwd: b64('hijacked!'), ip: IP }))).toBe('WRONG_PASSWORD');
    await expect(checkLogin(ctx, { id: 't2', pwd: b64('t2-password'), ip: null })).resolves.toBeTruthy();
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) {
      expect(
        await errCode(
          resetWithCode(ctx, { id: 't1', code: 'AAAA-BBBB-CCCC-DDDD', pwd: b64('brand-new-pass'), ip: IP }),
        ),
      ).toBe('WRONG_PASSWORD');
    }
    // The limit now holds even for the right code (t1 from this address has used up its checks).
    expect(await errCode(resetWithCode(ctx, { id: 't1', code, pwd: b64('brand-new-pass'), ip: IP }))).toBe(
      'RATE_LIMITED',
    );
    await expect(checkLogin(ctx, { id: 't1', pwd: b64('old-password'), ip: null })).resolves.toBeTruthy();
  });

  it('refuses to issue a code for an unknown account', async () => {
    const { ctx } = await withUser();
    expect(await errCode(issueResetCode(ctx, 'nobody'))).toBe('USER_NOT_FOUND');
  });
});
