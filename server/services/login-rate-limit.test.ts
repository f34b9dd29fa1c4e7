/**
 * The shared credential limits at service level: the window arithmetic, per-id vs per-IP counters, what a success,
 * a failure and a no-verdict do to a reserved attempt, that attempts are reserved before the password check (so
 * parallel guesses cannot slip under the limit), and the per-IP registration limit.
 */
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { loginFailures, users } from '../../db/schema';
import { AppError, isAppError } from '../errors';
import { createTestCtx } from '../testing/test-ctx';
import {
  guardLogin,
  guardRegistration,
  LOGIN_MAX_ATTEMPTS,
  LOGIN_WINDOW_S,
  LOGIN_KNOWN_ADDRESS_TTL_S,
  type LoginSubject,
} from './login-rate-limit';

type Ctx = ReturnType<typeof createTestCtx>;

/** null when the attempt ran (whatever its verdict), else the RATE_LIMITED wait. */
async function attempt(ctx: Ctx, s: LoginSubject, verdict: 'ok' | 'wrong' | 'busy'): Promise<number | null> {
  // A success is a real account's (its address becomes known to it).
  if (verdict === 'ok')
    await inTransaction(ctx.db, (tx) =>
      tx.insert(users).values({ uid: s.uid, pwdHash: 'x', role: 0, createdAt: 0 }).onConflictDoNothing(),
    );
  try {
    await guardLogin(ctx, s, async () => {
      if (verdict === 'wrong') throw new AppError('WRONG_PASSWORD');
      if (verdict === 'busy') throw new AppError('BUSY');
      return true;
    });
    return null;
  } catch (e) {
    if (isAppError(e) && e.code === 'RATE_LIMITED') return e.data?.retryAfterS as number;
    if (isAppError(e) && (e.code === 'WRONG_PASSWORD' || e.code === 'BUSY')) return null;
    throw e;
  }
}

describe('login limit', () => {
  it('allows 10 failures per id, refuses the 11th until the oldest leaves the 10-minute window', async () => {
    const ctx = createTestCtx();
    const s = { uid: 'u1', ip: '1.2.3.4' };
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) {
      expect(await attempt(ctx, s, 'wrong')).toBeNull();
      ctx.clock.advance(1);
    }
    // Now T0 + 10; the failures were at T0 … T0 + 9. Even the right password is refused.
    expect(await attempt(ctx, s, 'ok')).toBe(LOGIN_WINDOW_S - 10);
    ctx.clock.advance(LOGIN_WINDOW_S - 11); // T0 + 599: the first failure still counts
    expect(await attempt(ctx, s, 'ok')).toBe(1);
    ctx.clock.advance(1); // T0 + 600: it has left the window
    expect(await attempt(ctx, s, 'ok')).toBeNull();
  });

  it('per (id, address): 10 checks; the pair is forgiven by a success, other addresses are not limited by it', async () => {
    const ctx = createTestCtx();
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) await attempt(ctx, { uid: 'owner', ip: '8.8.8.8' }, 'wrong');
    expect(await attempt(ctx, { uid: 'owner', ip: '8.8.8.8' }, 'ok')).toBe(LOGIN_WINDOW_S);
    expect(await attempt(ctx, { uid: 'owner', ip: '9.9.9.9' }, 'ok')).toBeNull();
    const rows = await ctx.db.select().from(loginFailures);
    // The id is forgiven; the failing address keeps its pair rows (a guesser there stays stopped) and its failures.
    expect(rows.filter((r) => r.subject === 'uid:owner')).toHaveLength(0);
    expect(rows.filter((r) => r.subject === 'pair:owner@8.8.8.8')).toHaveLength(LOGIN_MAX_ATTEMPTS);
    expect(rows.filter((r) => r.subject === 'ip:8.8.8.8')).toHaveLength(LOGIN_MAX_ATTEMPTS);
  });

  it('per address: failures only, LOGIN_LIMIT_PER_IP of them, whatever the id; successes never count', async () => {
    const ctx = createTestCtx({ LOGIN_LIMIT_PER_IP: '20' });
    // A school at one address: 500 successful logins of 500 accounts, then 19 typos of 19 students.
    for (let i = 0; i < 500; i++) expect(await attempt(ctx, { uid: `s${i}`, ip: '9.9.9.9' }, 'ok')).toBeNull();
    for (let i = 0; i < 19; i++) expect(await attempt(ctx, { uid: `s${i}`, ip: '9.9.9.9' }, 'wrong')).toBeNull();
    expect(await attempt(ctx, { uid: 'new-student', ip: '9.9.9.9' }, 'ok')).toBeNull();
    expect(await attempt(ctx, { uid: 'sprayed', ip: '9.9.9.9' }, 'wrong')).toBeNull(); // the 20th failure
    // Full: a new id from there is refused; an id that logged in from there before is not (known address).
    expect(await attempt(ctx, { uid: 'newcomer', ip: '9.9.9.9' }, 'ok')).toBe(LOGIN_WINDOW_S);
    expect(await attempt(ctx, { uid: 's300', ip: '9.9.9.9' }, 'ok')).toBeNull();
    expect(await attempt(ctx, { uid: 'newcomer', ip: '7.7.7.7' }, 'ok')).toBeNull();
  });

  it('per id from unknown addresses: LOGIN_LIMIT_PER_ID checks; the owner at a known address is never refused by them', async () => {
    const ctx = createTestCtx({ LOGIN_LIMIT_PER_ID: '30' });
    expect(await attempt(ctx, { uid: 'teacher', ip: '192.0.2.10' }, 'ok')).toBeNull(); // the teacher's usual address
    ctx.clock.advance(60);
    // A distributed guesser: 3 guesses from each of 10 addresses uses the id's budget up.
    for (let a = 0; a < 10; a++)
      for (let k = 0; k < 3; k++)
        expect(await attempt(ctx, { uid: 'teacher', ip: `203.0.113.${a}` }, 'wrong')).toBeNull();
    expect(await attempt(ctx, { uid: 'teacher', ip: '203.0.113.99' }, 'wrong')).toBe(LOGIN_WINDOW_S);
    // The teacher, from the address they used before, gets in (and forgives the id).
    expect(await attempt(ctx, { uid: 'teacher', ip: '192.0.2.10' }, 'ok')).toBeNull();
    expect(await attempt(ctx, { uid: 'teacher', ip: '203.0.113.99' }, 'wrong')).toBeNull();
  });

  it('a known address is forgotten after LOGIN_KNOWN_ADDRESS_TTL_S without a success', async () => {
    const ctx = createTestCtx({ LOGIN_LIMIT_PER_ID: '5' });
    expect(await attempt(ctx, { uid: 't', ip: '192.0.2.1' }, 'ok')).toBeNull();
    ctx.clock.advance(LOGIN_KNOWN_ADDRESS_TTL_S);
    for (let i = 0; i < 5; i++) await attempt(ctx, { uid: 't', ip: `203.0.113.${i}` }, 'wrong');
    expect(await attempt(ctx, { uid: 't', ip: '192.0.2.1' }, 'ok')).toBeGreaterThan(0);
  });

  it('a no-verdict attempt (BUSY) is given back; an unknown address has no per-address counter', async () => {
    const ctx = createTestCtx();
    for (let i = 0; i < 3 * LOGIN_MAX_ATTEMPTS; i++)
      expect(await attempt(ctx, { uid: 'b', ip: '5.5.5.5' }, 'busy')).toBeNull();
    expect(await ctx.db.select().from(loginFailures)).toEqual([]);
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++)
      expect(await attempt(ctx, { uid: `n${i}`, ip: null }, 'wrong')).toBeNull();
    // No per-address row for an unknown address: one shared bucket would let anyone lock everyone out.
    expect((await ctx.db.select().from(loginFailures)).some((r) => r.subject.startsWith('ip:'))).toBe(false);
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) await attempt(ctx, { uid: 'n0', ip: null }, 'wrong');
    expect(await attempt(ctx, { uid: 'n0', ip: null }, 'ok')).toBeGreaterThan(0);
  });

  it('reserves the check before the hash: 60 parallel guesses at one (id, address), at most 10 checks', async () => {
    const ctx = createTestCtx();
    let checks = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () =>
        guardLogin(ctx, { uid: 'victim', ip: '10.0.0.1' }, async () => {
          checks++;
          await new Promise((r) => setTimeout(r, 20)); // a slow hash: every guess is in flight at once
          throw new AppError('WRONG_PASSWORD');
        }),
      ),
    );
    expect(checks).toBe(LOGIN_MAX_ATTEMPTS);
    const codes = results.map((r) => (r.status === 'rejected' && isAppError(r.reason) ? r.reason.code : 'ok'));
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(60 - LOGIN_MAX_ATTEMPTS);
  });

  it('60 parallel guesses from 60 addresses meet the per-id limit exactly', async () => {
    const ctx = createTestCtx({ LOGIN_LIMIT_PER_ID: '25' });
    let checks = 0;
    await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        guardLogin(ctx, { uid: 'victim', ip: `10.0.${i}.1` }, async () => {
          checks++;
          await new Promise((r) => setTimeout(r, 20));
          throw new AppError('WRONG_PASSWORD');
        }),
      ),
    );
    expect(checks).toBe(25);
  });

  it('200 parallel successes from one address all pass, and leave no row behind', async () => {
    const ctx = createTestCtx({ LOGIN_LIMIT_PER_IP: '1' });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => attempt(ctx, { uid: `pupil${i}`, ip: '198.51.100.1' }, 'ok')),
    );
    expect(results.every((r) => r === null)).toBe(true);
    expect(await ctx.db.select().from(loginFailures)).toEqual([]);
  });
});

describe('registration limit', () => {
  it('allows REGISTER_LIMIT_PER_IP registrations per IP in 10 minutes (taken ids count), not from another IP', async () => {
    const ctx = createTestCtx({ REGISTER_LIMIT_PER_IP: '20' });
    const reg = (ip: string | null, taken = false) =>
      guardRegistration(ctx, ip, async () => {
        if (taken) throw new AppError('USER_EXISTS');
        return 'ok';
      }).catch((e: unknown) => (isAppError(e) ? e.code : 'other'));
    for (let i = 0; i < 20; i++) expect(await reg('3.3.3.3', i % 2 === 0)).toBe(i % 2 === 0 ? 'USER_EXISTS' : 'ok');
    expect(await reg('3.3.3.3')).toBe('RATE_LIMITED');
    expect(await reg('3.3.3.4')).toBe('ok');
    ctx.clock.advance(LOGIN_WINDOW_S);
    expect(await reg('3.3.3.3')).toBe('ok');
  });
});
