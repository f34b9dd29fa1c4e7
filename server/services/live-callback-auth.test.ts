/** The live-callback checks as a service: the signature rule (worked example from tencent-protocols.md) and its window. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors';
import { createTestCtx } from '../testing/test-ctx';
import { verifyLiveCallbackSign } from './live-callback-auth';

async function appCode(f: () => unknown): Promise<string | false> {
  try {
    await f();
    return false;
  } catch (e) {
    return isAppError(e) && e.code;
  }
}

describe('verifyLiveCallbackSign', () => {
  it('matches the worked example: md5("live-callback-key1700000600")', async () => {
    expect(createHash('md5').update('live-callback-key1700000600').digest('hex')).toBe(
      'f320f994ee91b246bc37719af4f0abdf',
    );
    const ctx = createTestCtx({ LIVE_CALLBACK_KEY: 'live-callback-key' });
    ctx.clock.set(1700000000);
    expect(await appCode(() => verifyLiveCallbackSign(ctx, '1700000600', 'f320f994ee91b246bc37719af4f0abdf'))).toBe(
      false,
    );
    expect(await appCode(() => verifyLiveCallbackSign(ctx, '1700000600', 'F320F994EE91B246BC37719AF4F0ABDF'))).toBe(
      false,
    );
    ctx.clock.set(1700000600);
    expect(await appCode(() => verifyLiveCallbackSign(ctx, '1700000600', 'f320f994ee91b246bc37719af4f0abdf'))).toBe(
      false,
    );
  });

  it('refuses a wrong sign, a changed t, a passed t, a missing t or sign', async () => {
    const ctx = createTestCtx({ LIVE_CALLBACK_KEY: 'live-callback-key' });
    ctx.clock.set(1700000000);
    const good = 'f320f994ee91b246bc37719af4f0abdf';
    expect(await appCode(() => verifyLiveCallbackSign(ctx, '1700000600', good.replace('f3', '00')))).toBe(
      'NO_PRIVILEGE',
    );
    expect(await appCode(() => verifyLiveCallbackSign(ctx, '1700000601', good))).toBe('NO_PRIVILEGE');
    expect(await appCode(() => verifyLiveCallbackSign(ctx, '1700000600', 'short'))).toBe('NO_PRIVILEGE');
    expect(await appCode(() => verifyLiveCallbackSign(ctx, undefined, good))).toBe('NO_PRIVILEGE');
    expect(await appCode(() => verifyLiveCallbackSign(ctx, '1700000600', undefined))).toBe('NO_PRIVILEGE');
    ctx.clock.set(1700000601);
    expect(await appCode(() => verifyLiveCallbackSign(ctx, '1700000600', good))).toBe('NO_PRIVILEGE');
  });

  it('refuses every callback when no key is configured, unless LIVE_CALLBACK_ALLOW_UNSIGNED=1', async () => {
    expect(await appCode(() => verifyLiveCallbackSign(createTestCtx(), undefined, undefined))).toBe('NO_PRIVILEGE');
    expect(
      await appCode(() => verifyLiveCallbackSign(createTestCtx(), '1700000600', 'f320f994ee91b246bc37719af4f0abdf')),
    ).toBe('NO_PRIVILEGE');
    expect(
      await appCode(() =>
        verifyLiveCallbackSign(createTestCtx({ LIVE_CALLBACK_ALLOW_UNSIGNED: '0' }), undefined, undefined),
      ),
    ).toBe('NO_PRIVILEGE');
    expect(
      await appCode(() =>
        verifyLiveCallbackSign(createTestCtx({ LIVE_CALLBACK_ALLOW_UNSIGNED: '1' }), undefined, undefined),
      ),
    ).toBe(false);
  });

  it('refuses a t more than an hour ahead (a long-lived signature)', async () => {
    const ctx = createTestCtx({ LIVE_CALLBACK_KEY: 'live-callback-key' });
    const now = 1700000000;
    ctx.clock.set(now);
    const sign = (t: number) => createHash('md5').update(`live-callback-key${t}`).digest('hex');
    expect(await appCode(() => verifyLiveCallbackSign(ctx, String(now + 3601), sign(now + 3601)))).toBe('NO_PRIVILEGE');
    expect(await appCode(() => verifyLiveCallbackSign(ctx, String(now + 3600), sign(now + 3600)))).toBe(false);
  });

  it('remembers nothing: the same (t, sign) is accepted again and again (it is not a notice identity)', async () => {
    const ctx = createTestCtx({ LIVE_CALLBACK_KEY: 'live-callback-key' });
    ctx.clock.set(1700000000);
    const good = 'f320f994ee91b246bc37719af4f0abdf';
    for (let i = 0; i < 3; i++)
      expect(await appCode(() => verifyLiveCallbackSign(ctx, '1700000600', good))).toBe(false);
  });
});
