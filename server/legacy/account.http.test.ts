/**
 * account/regist, account/login, account/logout over real HTTP: exact reply shapes, every error code, how passwords
 * and tokens are stored, several logins per account, the UserSig a login hands out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, eq } from 'drizzle-orm';
import { authTokens, users } from '../../db/schema';
import { decodeUserSig, verifyUserSig } from '../integrations/usersig';
import fs from 'node:fs';
import { hashSecret } from '../services/tokens';
import { verifyPassword } from '../services/passwords';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { createTestCtx } from '../testing/test-ctx';
import { secretsFilePath } from '../env';
import { first } from '../../db/client';
import { rawRows } from '../../db/dialect';

type Login = { token: string; userSig: string; role: number };

describe('account/* over HTTP', () => {
  const ctx = createTestCtx({ USERSIG_EXPIRE_S: '86400' });
  let s: LegacyTestServer;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
  });
  afterAll(() => s.close());

  describe('account/regist', () => {
    it('registers a student and a teacher: envelope without data', async () => {
      expect(await s.call('account/regist', { id: 'stu_1', pwd: 'c2VjcmV0', role: 0 })).toEqual({
        errorCode: 0,
        errorInfo: '',
      });
      expect(await s.call('account/regist', { id: 'Teacher-1', pwd: 'c2VjcmV0', role: 1 })).toEqual({
        errorCode: 0,
        errorInfo: '',
      });
      const rows = await ctx.db.select().from(users);
      expect(rows.map((u) => [u.uid, u.role]).sort()).toEqual([
        ['Teacher-1', 1],
        ['stu_1', 0],
      ]);
      expect(rows[0]!.createdAt).toBe(ctx.clock.nowS());
    });

    it('stores a salted scrypt hash of exactly what arrived, never the plain value', async () => {
      const pwd = 'cGFzc3dvcmQ=';
      await s.call('account/regist', { id: 'hashcheck1', pwd, role: 0 });
      await s.call('account/regist', { id: 'hashcheck2', pwd, role: 0 });
      const a = first(await ctx.db.select().from(users).where(eq(users.uid, 'hashcheck1')).limit(1))!;
      const b = first(await ctx.db.select().from(users).where(eq(users.uid, 'hashcheck2')).limit(1))!;
      expect(a.pwdHash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(a.pwdHash).not.toContain(pwd);
      expect(a.pwdHash).not.toContain('password');
      expect(a.pwdHash).not.toBe(b.pwdHash); // salted
      expect(await verifyPassword(pwd, a.pwdHash)).toBe(true);
      // The base64 string is the password; its decoded form is not.
      expect(await verifyPassword('password', a.pwdHash)).toBe(false);
      // No column of the database holds the plain value.
      const dump = JSON.stringify(await rawRows(ctx.db, sql`SELECT * FROM users`));
      expect(dump).not.toContain(pwd);
    });

    it('existing id → 10004 (and the first password still works)', async () => {
      await s.call('account/regist', { id: 'dup', pwd: 'Zmlyc3Q=', role: 0 });
      expect(await s.call('account/regist', { id: 'dup', pwd: 'c2Vjb25k', role: 1 })).toEqual({
        errorCode: 10004,
        errorInfo: expect.any(String),
      });
      expect((await s.call('account/login', { id: 'dup', pwd: 'Zmlyc3Q=' })).errorCode).toBe(0);
      expect(first(await ctx.db.select().from(users).where(eq(users.uid, 'dup')).limit(1))!.role).toBe(0);
    });

    it('accepts ids of exactly 1 and 32 allowed characters', async () => {
      expect((await s.call('account/regist', { id: 'a', pwd: 'x', role: 0 })).errorCode).toBe(0);
      expect((await s.call('account/regist', { id: 'A-_9'.repeat(8), pwd: 'x', role: 0 })).errorCode).toBe(0);
    });

    it.each([
      ['id', { pwd: 'x', role: 0 }],
      ['id', { id: '', pwd: 'x', role: 0 }],
      ['id', { id: 'a'.repeat(33), pwd: 'x', role: 0 }],
      ['id', { id: 'has space', pwd: 'x', role: 0 }],
      ['id', { id: 'dot.ted', pwd: 'x', role: 0 }],
      ['id', { id: 'ünï', pwd: 'x', role: 0 }],
      ['id', { id: 'a@b', pwd: 'x', role: 0 }],
      ['id', { id: 123, pwd: 'x', role: 0 }],
      ['id', { id: ['a'], pwd: 'x', role: 0 }],
      ['pwd', { id: 'okid', role: 0 }],
      ['pwd', { id: 'okid', pwd: '', role: 0 }],
      ['pwd', { id: 'okid', pwd: 123, role: 0 }],
      ['pwd', { id: 'okid', pwd: null, role: 0 }],
      ['role', { id: 'okid', pwd: 'x' }],
      ['role', { id: 'okid', pwd: 'x', role: 2 }],
      ['role', { id: 'okid', pwd: 'x', role: -1 }],
      ['role', { id: 'okid', pwd: 'x', role: '1' }],
      ['role', { id: 'okid', pwd: 'x', role: 1.5 }],
      ['role', { id: 'okid', pwd: 'x', role: true }],
    ])('bad %s → 10003 naming it: %j', async (field, body) => {
      const r = await s.call('account/regist', body);
      expect(r).toEqual({ errorCode: 10003, errorInfo: expect.stringContaining(field) });
      expect(first(await ctx.db.select().from(users).where(eq(users.uid, 'okid')).limit(1))).toBeUndefined();
    });
  });

  describe('account/login', () => {
    it('answers {userSig, token, role} with a verifiable UserSig for (SDKAPPID, key, id, USERSIG_EXPIRE_S)', async () => {
      const r = await s.call<Login>('account/login', { id: 'Teacher-1', pwd: 'c2VjcmV0' });
      expect(r.errorCode).toBe(0);
      expect(r.errorInfo).toBe('');
      expect(Object.keys(r.data!).sort()).toEqual(['role', 'token', 'userSig']);
      expect(r.data!.role).toBe(1);
      const sig = decodeUserSig(r.data!.userSig);
      expect(sig['TLS.identifier']).toBe('Teacher-1');
      expect(sig['TLS.sdkappid']).toBe(ctx.env.SDKAPPID);
      expect(sig['TLS.expire']).toBe(86400);
      // No IM_SECRET_KEY configured: the key generated into the secrets file beside the test database signs.
      const generated = (JSON.parse(fs.readFileSync(secretsFilePath(ctx.env), 'utf8')) as { IM_SECRET_KEY: string })
        .IM_SECRET_KEY;
      expect(generated.length).toBeGreaterThanOrEqual(43);
      expect(
        verifyUserSig(r.data!.userSig, {
          key: generated,
          sdkappid: ctx.env.SDKAPPID,
          identifier: 'Teacher-1',
          nowS: Math.floor(Date.now() / 1000),
        }),
      ).toBe(true);
      expect(
        verifyUserSig(r.data!.userSig, {
          key: 'another key',
          sdkappid: ctx.env.SDKAPPID,
          identifier: 'Teacher-1',
          nowS: Math.floor(Date.now() / 1000),
        }),
      ).toBe(false);
      const st = await s.call<Login>('account/login', { id: 'stu_1', pwd: 'c2VjcmV0' });
      expect(st.data!.role).toBe(0);
    });

    it('issues opaque ≥128-bit tokens, stored only as a hash', async () => {
      const tokens = new Set<string>();
      for (let i = 0; i < 3; i++)
        tokens.add((await s.call<Login>('account/login', { id: 'stu_1', pwd: 'c2VjcmV0' })).data!.token);
      expect(tokens.size).toBe(3);
      for (const t of tokens) {
        expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(Buffer.from(t, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
        expect(t).not.toContain('stu_1');
        const row = first(
          await ctx.db
            .select()
            .from(authTokens)
            .where(eq(authTokens.tokenHash, hashSecret(t)))
            .limit(1),
        )!;
        expect(row).toMatchObject({ uid: 'stu_1', kind: 'legacy', appid: ctx.env.SDKAPPID, revokedAt: null });
      }
      const dump = JSON.stringify(await rawRows(ctx.db, sql`SELECT * FROM auth_tokens`));
      for (const t of tokens) expect(dump).not.toContain(t);
    });

    it('unknown id → 10005; wrong password → 10006 (the password is compared exactly, case and all)', async () => {
      expect(await s.call('account/login', { id: 'ghost', pwd: 'c2VjcmV0' })).toEqual({
        errorCode: 10005,
        errorInfo: expect.any(String),
      });
      expect(await s.call('account/login', { id: 'stu_1', pwd: 'c2VjcmV1' })).toEqual({
        errorCode: 10006,
        errorInfo: expect.any(String),
      });
      expect((await s.call('account/login', { id: 'stu_1', pwd: 'C2VjcmV0' })).errorCode).toBe(10006);
      expect((await s.call('account/login', { id: 'stu_1', pwd: 'c2VjcmV0 ' })).errorCode).toBe(10006);
    });

    it.each([
      ['id', { pwd: 'x' }],
      ['id', { id: 5, pwd: 'x' }],
      ['id', { id: 'a'.repeat(33), pwd: 'x' }],
      ['pwd', { id: 'stu_1' }],
      ['pwd', { id: 'stu_1', pwd: '' }],
      ['pwd', { id: 'stu_1', pwd: { $ne: '' } }],
    ])('bad %s → 10003 naming it: %j', async (field, body) => {
      expect(await s.call('account/login', body)).toEqual({
        errorCode: 10003,
        errorInfo: expect.stringContaining(field),
      });
    });

    it('several logins: every token works; logout revokes only the one given', async () => {
      const a = (await s.call<Login>('account/login', { id: 'Teacher-1', pwd: 'c2VjcmV0' })).data!.token;
      const b = (await s.call<Login>('account/login', { id: 'Teacher-1', pwd: 'c2VjcmV0' })).data!.token;
      expect(a).not.toBe(b);
      for (const t of [a, b])
        expect((await s.call('live/roomlist', { token: t, index: 0, size: 1 })).errorCode).toBe(0);
      expect(await s.call('account/logout', { token: a })).toEqual({ errorCode: 0, errorInfo: '' });
      expect((await s.call('live/roomlist', { token: a, index: 0, size: 1 })).errorCode).toBe(10009);
      expect((await s.call('live/roomlist', { token: b, index: 0, size: 1 })).errorCode).toBe(0);
      const row = first(
        await ctx.db
          .select()
          .from(authTokens)
          .where(eq(authTokens.tokenHash, hashSecret(a)))
          .limit(1),
      )!;
      expect(row.revokedAt).toBe(ctx.clock.nowS());
    });
  });

  describe('account/logout', () => {
    it('unknown or already revoked token → 10008', async () => {
      expect(await s.call('account/logout', { token: 'never-issued' })).toEqual({
        errorCode: 10008,
        errorInfo: expect.any(String),
      });
      const t = (await s.call<Login>('account/login', { id: 'stu_1', pwd: 'c2VjcmV0' })).data!.token;
      expect((await s.call('account/logout', { token: t })).errorCode).toBe(0);
      expect((await s.call('account/logout', { token: t })).errorCode).toBe(10008);
    });

    it.each([[{}], [{ token: '' }], [{ token: 42 }], [{ token: null }], [{ token: ['a'] }]])(
      'bad token field → 10003 naming token: %j',
      async (body) => {
        expect(await s.call('account/logout', body)).toEqual({
          errorCode: 10003,
          errorInfo: expect.stringContaining('token'),
        });
      },
    );
  });
});
