/**
 * Credential limits over real HTTP through the production listener, for both doors (legacy `account/login` and
 * `account/regist`, console `auth.login` and `auth.register`): parallel guesses cannot slip under the limit, the two
 * doors share the counters, registration is limited per IP, a full password-hash queue is refused, and the client
 * address comes from the socket unless a TRUSTED_PROXY forwards it (spoofed X-Forwarded-For / -Host do not help).
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { loginFailures, users } from '../../db/schema';
import { createAccount } from '../services/accounts';
import { LOGIN_MAX_ATTEMPTS } from '../services/login-rate-limit';
import { hashGate } from '../services/passwords';
import { doorsServersPerTest } from '../testing/doors-server';
import { type createTestCtx } from '../testing/test-ctx';
import { clientPwd } from '../trpc/testing';

const RIGHT = clientPwd('right-password');
const WRONG = clientPwd('wrong-password');

const setup = doorsServersPerTest();

function tally(codes: Array<number | string>): Record<string, number> {
  const t: Record<string, number> = {};
  for (const c of codes) t[c] = (t[c] ?? 0) + 1;
  return t;
}

describe('60 parallel wrong guesses, then the right password', () => {
  it('legacy door: 10 reach the password check, 50 get 10110, the right one after them gets 10110', async () => {
    const { ctx, s } = await setup();
    await createAccount(ctx, { id: 'target', pwd: RIGHT, role: 1 });
    const replies = await Promise.all(
      Array.from({ length: 60 }, () => s.legacy('account/login', { id: 'target', pwd: WRONG })),
    );
    expect(tally(replies.map((r) => r.errorCode))).toEqual({
      10006: LOGIN_MAX_ATTEMPTS,
      10110: 60 - LOGIN_MAX_ATTEMPTS,
    });
    expect(replies.find((r) => r.errorCode === 10110)!.errorInfo).toMatch(/^too many login attempts, retry in \d+ s$/);
    const right = await s.legacy('account/login', { id: 'target', pwd: RIGHT });
    expect(right).toEqual({
      errorCode: 10110,
      errorInfo: 'too many login attempts, retry in 600 s',
      data: { retryAfterS: 600 },
    });
  });

  it('console door: 10 reach the password check (401), 50 get 429, the right one after them gets 429 with retryAfterS', async () => {
    const { ctx, s } = await setup();
    await createAccount(ctx, { id: 'target', pwd: RIGHT, role: 1 });
    const replies = await Promise.all(
      Array.from({ length: 60 }, () => s.mutate('auth.login', { id: 'target', pwd: WRONG })),
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ 401: LOGIN_MAX_ATTEMPTS, 429: 60 - LOGIN_MAX_ATTEMPTS });
    const right = await s.mutate('auth.login', { id: 'target', pwd: RIGHT });
    expect(right.status).toBe(429);
    expect(right.body.error?.data).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      appCode: 'RATE_LIMITED',
      retryAfterS: 600,
    });
    expect(right.headers.get('set-cookie')).toBeNull();
  });
});

describe('the two doors share the counters', () => {
  // Behind a trusted proxy, so each request can come from the address the test chooses.
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('per (id, address): legacy failures limit the console there, console failures limit the legacy door', async () => {
    const { ctx, s } = await setup({ TRUSTED_PROXY: '127.0.0.1' });
    await createAccount(ctx, { id: 'a1', pwd: RIGHT, role: 1 });
    await createAccount(ctx, { id: 'a2', pwd: RIGHT, role: 1 });
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++)
      expect((await s.legacy('account/login', { id: 'a1', pwd: WRONG }, from('10.1.0.1'))).errorCode).toBe(10006);
    expect((await s.mutate('auth.login', { id: 'a1', pwd: RIGHT }, from('10.1.0.1'))).status).toBe(429);
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++)
      expect((await s.mutate('auth.login', { id: 'a2', pwd: WRONG }, from('10.2.0.1'))).status).toBe(401);
    expect((await s.legacy('account/login', { id: 'a2', pwd: RIGHT }, from('10.2.0.1'))).errorCode).toBe(10110);
    // Another address is not limited by that pair.
    expect((await s.legacy('account/login', { id: 'a2', pwd: RIGHT }, from('10.2.0.2'))).errorCode).toBe(0);
  });

  it('per id across addresses (LOGIN_LIMIT_PER_ID), counted on both doors', async () => {
    const { ctx, s } = await setup({ TRUSTED_PROXY: '127.0.0.1', LOGIN_LIMIT_PER_ID: '6' });
    await createAccount(ctx, { id: 'a3', pwd: RIGHT, role: 1 });
    for (let i = 0; i < 3; i++) await s.legacy('account/login', { id: 'a3', pwd: WRONG }, from(`10.3.0.${i}`));
    for (let i = 3; i < 6; i++) await s.mutate('auth.login', { id: 'a3', pwd: WRONG }, from(`10.3.0.${i}`));
    expect((await s.legacy('account/login', { id: 'a3', pwd: RIGHT }, from('10.3.0.99'))).errorCode).toBe(10110);
    expect((await s.mutate('auth.login', { id: 'a3', pwd: RIGHT }, from('10.3.0.98'))).status).toBe(429);
  });

  it('per address (LOGIN_LIMIT_PER_IP failures): one door limits the other there, not other addresses', async () => {
    const { ctx, s } = await setup({ TRUSTED_PROXY: '127.0.0.1', LOGIN_LIMIT_PER_IP: '10' });
    await createAccount(ctx, { id: 'b1', pwd: RIGHT, role: 1 });
    for (let i = 0; i < 10; i++) await s.legacy('account/login', { id: `nobody${i}`, pwd: WRONG }, from('192.0.2.1'));
    expect((await s.mutate('auth.login', { id: 'b1', pwd: RIGHT }, from('192.0.2.1'))).status).toBe(429);
    for (let i = 0; i < 10; i++) await s.mutate('auth.login', { id: `nobody${i}`, pwd: WRONG }, from('192.0.2.2'));
    expect((await s.legacy('account/login', { id: 'b1', pwd: RIGHT }, from('192.0.2.2'))).errorCode).toBe(10110);
    expect((await s.legacy('account/login', { id: 'b1', pwd: RIGHT }, from('192.0.2.3'))).errorCode).toBe(0);
    // b1 has now logged in from 192.0.2.3: others' failures there no longer refuse it.
    for (let i = 0; i < 10; i++) await s.legacy('account/login', { id: `other${i}`, pwd: WRONG }, from('192.0.2.3'));
    expect((await s.mutate('auth.login', { id: 'c9', pwd: RIGHT }, from('192.0.2.3'))).status).toBe(429);
    expect((await s.mutate('auth.login', { id: 'b1', pwd: RIGHT }, from('192.0.2.3'))).status).toBe(200);
  });
});

describe("a school's first lesson, on the defaults (every request from one address)", () => {
  /**
   * `n` accounts with the password RIGHT, written straight, stored with cheap scrypt parameters (the stored format
   * carries them): these tests are about the limits, and 200 full-cost hashes one at a time would take 15–30 s.
   */
  async function accounts(ctx: ReturnType<typeof createTestCtx>, prefix: string, n: number, role = 0) {
    const salt = randomBytes(16);
    const key = scryptSync(RIGHT, salt, 32, { N: 2 ** 10, r: 8, p: 1 });
    const pwdHash = `scrypt$10$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    const rows = Array.from({ length: n }, (_, i) => ({ uid: `${prefix}${i}`, pwdHash, role, createdAt: 0 }));
    await inTransaction(ctx.db, (tx) => tx.insert(users).values(rows));
    return rows.map((r) => r.uid);
  }

  it('200 parallel correct logins succeed on the legacy door', async () => {
    const { ctx, s } = await setup();
    const ids = await accounts(ctx, 'pupil', 200);
    const replies = await Promise.all(ids.map((id) => s.legacy('account/login', { id, pwd: RIGHT })));
    expect(tally(replies.map((r) => r.errorCode))).toEqual({ 0: 200 });
    expect(await ctx.db.select().from(loginFailures)).toEqual([]);
  });

  it('200 parallel correct logins succeed on the console door', async () => {
    const { ctx, s } = await setup();
    const ids = await accounts(ctx, 'teacher', 200, 1);
    const replies = await Promise.all(ids.map((id) => s.mutate('auth.login', { id, pwd: RIGHT })));
    expect(tally(replies.map((r) => r.status))).toEqual({ 200: 200 });
  });

  it('a morning of typos does not lock the school out: 100 failures, then everyone still logs in', async () => {
    const { ctx, s } = await setup();
    const ids = await accounts(ctx, 'kid', 100);
    for (const id of ids) expect((await s.legacy('account/login', { id, pwd: WRONG })).errorCode).toBe(10006);
    const replies = await Promise.all(ids.map((id) => s.legacy('account/login', { id, pwd: RIGHT })));
    expect(tally(replies.map((r) => r.errorCode))).toEqual({ 0: 100 });
    expect((await s.mutate('auth.login', { id: 'kid0', pwd: RIGHT })).status).toBe(200);
  });

  it("a stranger's guesses from many addresses do not lock the teacher out of the address they use", async () => {
    const { ctx, s } = await setup({ TRUSTED_PROXY: '127.0.0.1' });
    await accounts(ctx, 'teach', 1, 1);
    const school = { 'x-forwarded-for': '198.51.100.20' };
    expect((await s.legacy('account/login', { id: 'teach0', pwd: RIGHT }, school)).errorCode).toBe(0);
    // 60 guesses from 60 addresses: the per-id limit (50) stops the guesser…
    const guesses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        s.legacy('account/login', { id: 'teach0', pwd: WRONG }, { 'x-forwarded-for': `203.0.113.${i}` }),
      ),
    );
    expect(tally(guesses.map((r) => r.errorCode))).toEqual({ 10006: 50, 10110: 10 });
    expect(
      (await s.mutate('auth.login', { id: 'teach0', pwd: RIGHT }, { 'x-forwarded-for': '203.0.113.200' })).status,
    ).toBe(429);
    // …and the teacher, at school, logs in on both doors.
    expect((await s.mutate('auth.login', { id: 'teach0', pwd: RIGHT }, school)).status).toBe(200);
    expect((await s.legacy('account/login', { id: 'teach0', pwd: RIGHT }, school)).errorCode).toBe(0);
  });

  it('200 registrations from one address within 10 minutes, on both doors at once', async () => {
    const { s } = await setup();
    const replies = await Promise.all([
      ...Array.from({ length: 100 }, (_, i) =>
        s.legacy('account/regist', { id: `stu${i}`, pwd: 'cHdk', role: 0 }).then((r) => r.errorCode),
      ),
      ...Array.from({ length: 100 }, (_, i) =>
        s.mutate('auth.register', { id: `tea${i}`, pwd: RIGHT }).then((r) => r.status),
      ),
    ]);
    expect(tally(replies)).toEqual({ 0: 100, 200: 100 });
  }, 180_000); // 200 full-cost hashes, one at a time (hash-gate.ts)
});

describe('registration is limited per IP on both doors', () => {
  it('REGISTER_LIMIT_PER_IP registrations per address per 10 minutes, counted across doors', async () => {
    const { s } = await setup({ REGISTER_LIMIT_PER_IP: '20' });
    const half = 10;
    for (let i = 0; i < half; i++)
      expect((await s.legacy('account/regist', { id: `stu${i}`, pwd: 'cHdk', role: 0 })).errorCode).toBe(0);
    for (let i = 0; i < half; i++)
      expect((await s.mutate('auth.register', { id: `tea${i}`, pwd: RIGHT })).status).toBe(200);
    expect(await s.legacy('account/regist', { id: 'late1', pwd: 'cHdk', role: 0 })).toMatchObject({
      errorCode: 10110,
      errorInfo: expect.stringContaining('too many registrations'),
      data: { retryAfterS: expect.any(Number) },
    });
    const late = await s.mutate('auth.register', { id: 'late2', pwd: RIGHT });
    expect(late.status).toBe(429);
    expect(late.body.error?.data.appCode).toBe('RATE_LIMITED');
    expect(late.body.error?.data.retryAfterS).toBeGreaterThan(0);
  });
});

describe('a full password-hash queue', () => {
  it('is refused at once: legacy 10110, console 503 BUSY; hashing resumes when it drains', async () => {
    const { ctx, s } = await setup();
    await createAccount(ctx, { id: 'c1', pwd: RIGHT, role: 1 });
    // Occupy every slot and every queue place with jobs the test releases.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const { concurrency, queueMax } = hashGate.stats();
    const held = Array.from({ length: concurrency + queueMax }, () => hashGate.run(() => gate));
    try {
      expect(await s.legacy('account/login', { id: 'c1', pwd: RIGHT })).toEqual({
        errorCode: 10110,
        errorInfo: 'server busy, retry later',
        data: { retryAfterS: 1 },
      });
      const busy = await s.mutate('auth.login', { id: 'c1', pwd: RIGHT });
      expect(busy.status).toBe(503);
      expect(busy.body.error?.data).toMatchObject({ appCode: 'BUSY', retryAfterS: 1 });
    } finally {
      open();
      await Promise.all(held);
    }
    // Nothing was counted: the refusals were not attempts.
    expect(await ctx.db.select().from(loginFailures)).toEqual([]);
    expect((await s.legacy('account/login', { id: 'c1', pwd: RIGHT })).errorCode).toBe(0);
  });
});

describe('client address: forwarded headers only from TRUSTED_PROXY', () => {
  it('a spoofed X-Forwarded-For does not escape the per-IP limit on either door', async () => {
    const { ctx, s } = await setup({ LOGIN_LIMIT_PER_IP: String(LOGIN_MAX_ATTEMPTS) });
    await createAccount(ctx, { id: 'd1', pwd: RIGHT, role: 1 });
    const spoof = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i}`, 'x-edu-client-ip': `198.51.100.${i}` });
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS / 2; i++)
      await s.legacy('account/login', { id: `x${i}`, pwd: WRONG }, spoof(i));
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS / 2; i++)
      await s.mutate('auth.login', { id: `y${i}`, pwd: WRONG }, spoof(50 + i));
    expect((await s.legacy('account/login', { id: 'd1', pwd: RIGHT }, spoof(99))).errorCode).toBe(10110);
    expect((await s.mutate('auth.login', { id: 'd1', pwd: RIGHT }, spoof(98))).status).toBe(429);
  });

  it('a spoofed X-Forwarded-Host (or our own stamp header) does not pass the CSRF origin check', async () => {
    const { ctx, s } = await setup();
    await createAccount(ctx, { id: 'e1', pwd: RIGHT, role: 1 });
    // A page on evil.test posting with forwarded headers that name evil.test as this server.
    const forged = await s.mutate(
      'auth.login',
      { id: 'e1', pwd: RIGHT },
      { origin: 'https://evil.test', 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'https' },
    );
    expect(forged.status).toBe(403);
    expect(forged.body.error?.message).toBe('CSRF check failed (cross-origin)');
    expect(forged.headers.get('set-cookie')).toBeNull();
    const stamped = await s.mutate(
      'auth.login',
      { id: 'e1', pwd: RIGHT },
      { origin: 'https://evil.test', 'x-edu-client-origin': 'https://evil.test' },
    );
    expect(stamped.status).toBe(403);
  });

  it('with TRUSTED_PROXY=127.0.0.1 the forwarded client address, host and scheme are used', async () => {
    const { ctx, s } = await setup({ TRUSTED_PROXY: '127.0.0.1', LOGIN_LIMIT_PER_IP: String(LOGIN_MAX_ATTEMPTS) });
    await createAccount(ctx, { id: 'f1', pwd: RIGHT, role: 1 });
    const proxied = {
      origin: 'https://class.example',
      'x-forwarded-host': 'class.example',
      'x-forwarded-proto': 'https',
    };
    // The proxy appends the real client to whatever the client claimed: the rightmost hop counts.
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) {
      const r = await s.mutate(
        'auth.login',
        { id: `z${i}`, pwd: WRONG },
        { ...proxied, 'x-forwarded-for': `1.1.1.${i}, 192.0.2.50` },
      );
      expect(r.status).toBe(401);
    }
    // 192.0.2.50 is used up; another real client behind the same proxy is not, and its cookie is Secure (https).
    expect(
      (await s.mutate('auth.login', { id: 'f1', pwd: RIGHT }, { ...proxied, 'x-forwarded-for': '192.0.2.50' })).status,
    ).toBe(429);
    const ok = await s.mutate('auth.login', { id: 'f1', pwd: RIGHT }, { ...proxied, 'x-forwarded-for': '192.0.2.51' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/; Secure$/);
    expect(
      (await s.legacy('account/login', { id: 'f1', pwd: RIGHT }, { 'x-forwarded-for': '192.0.2.50' })).errorCode,
    ).toBe(10110);
    expect(
      (await s.legacy('account/login', { id: 'f1', pwd: RIGHT }, { 'x-forwarded-for': '192.0.2.52' })).errorCode,
    ).toBe(0);
  });
});
