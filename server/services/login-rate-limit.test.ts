/**
 * The shared credential limits at service level: the window arithmetic, per-id vs per-IP counters, what a success,
 * a failure and a no-verdict do to a reserved attempt, that attempts are reserved before the password check (so
 * parallel guesses cannot slip under the limit), and the per-IP registration limit.
 */
import { describe, expect, it } from 'vitest';
import { loginFailures } from '../../db/schema';
import { AppError, isAppError } from '../errors';
import { createTestCtx } from '../testing/test-ctx';
import {
  guardLogin,
  guardRegistration,
  LOGIN_MAX_ATTEMPTS,
  LOGIN_WINDOW_S,
  REGISTER_MAX_PER_IP,
  type LoginSubject,
} from './login-rate-limit';

type Ctx = ReturnType<typeof createTestCtx>;

/** null when the attempt ran (whatever its verdict), else the RATE_LIMITED wait. */
async function attempt(ctx: Ctx, s: LoginSubject, verdict: 'ok' | 'wrong' | 'busy'): Promise<number | null> {
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

  it("counts per id and per IP; a success forgives the id and its own attempt, not the IP's failures", async () => {
    const ctx = createTestCtx();
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS - 1; i++) await attempt(ctx, { uid: `spray${i}`, ip: '9.9.9.9' }, 'wrong');
    for (let i = 0; i < 5; i++) await attempt(ctx, { uid: 'owner', ip: '8.8.8.8' }, 'wrong');
    // The owner gets in from the spraying address: their id is forgiven, the address keeps its 9 failures.
    expect(await attempt(ctx, { uid: 'owner', ip: '9.9.9.9' }, 'ok')).toBeNull();
    const rows = await ctx.db.select().from(loginFailures);
    expect(rows.filter((r) => r.subject === 'uid:owner')).toHaveLength(0);
    expect(rows.filter((r) => r.subject === 'ip:9.9.9.9')).toHaveLength(LOGIN_MAX_ATTEMPTS - 1);
    expect(rows.filter((r) => r.subject === 'ip:8.8.8.8')).toHaveLength(5);
    // One more failure from it fills the address: any id is refused there, not elsewhere.
    expect(await attempt(ctx, { uid: 'x', ip: '9.9.9.9' }, 'wrong')).toBeNull();
    expect(await attempt(ctx, { uid: 'owner', ip: '9.9.9.9' }, 'ok')).toBeGreaterThan(0);
    expect(await attempt(ctx, { uid: 'owner', ip: '7.7.7.7' }, 'ok')).toBeNull();
  });

  it('a no-verdict attempt (BUSY) is given back; an unknown address has only the per-id counter', async () => {
    const ctx = createTestCtx();
    for (let i = 0; i < 3 * LOGIN_MAX_ATTEMPTS; i++)
      expect(await attempt(ctx, { uid: 'b', ip: '5.5.5.5' }, 'busy')).toBeNull();
    expect(await ctx.db.select().from(loginFailures)).toEqual([]);
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++)
      expect(await attempt(ctx, { uid: `n${i}`, ip: null }, 'wrong')).toBeNull();
    expect((await ctx.db.select().from(loginFailures)).every((r) => r.subject.startsWith('uid:'))).toBe(true);
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) await attempt(ctx, { uid: 'n0', ip: null }, 'wrong');
    expect(await attempt(ctx, { uid: 'n0', ip: null }, 'ok')).toBeGreaterThan(0);
  });

  it('reserves the attempt before the check: 60 parallel guesses, at most 10 checks', async () => {
    const ctx = createTestCtx();
    let checks = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        guardLogin(ctx, { uid: 'victim', ip: `10.0.${i}.1` }, async () => {
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
});

describe('registration limit', () => {
  it(`allows ${REGISTER_MAX_PER_IP} registrations per IP in 10 minutes (taken ids count), not from another IP`, async () => {
    const ctx = createTestCtx();
    const reg = (ip: string | null, taken = false) =>
      guardRegistration(ctx, ip, async () => {
        if (taken) throw new AppError('USER_EXISTS');
        return 'ok';
      }).catch((e: unknown) => (isAppError(e) ? e.code : 'other'));
    for (let i = 0; i < REGISTER_MAX_PER_IP; i++)
      expect(await reg('3.3.3.3', i % 2 === 0)).toBe(i % 2 === 0 ? 'USER_EXISTS' : 'ok');
    expect(await reg('3.3.3.3')).toBe('RATE_LIMITED');
    expect(await reg('3.3.3.4')).toBe('ok');
    ctx.clock.advance(LOGIN_WINDOW_S);
    expect(await reg('3.3.3.3')).toBe('ok');
  });
});
