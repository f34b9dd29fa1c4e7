import { describe, expect, it } from 'vitest';
import { checkCsrf } from './csrf';

/** Where the request was addressed, as http/client-address.ts resolved it. */
const ours = 'http://app.test:3000';
const h = (o: Record<string, string>) => new Headers({ host: 'app.test:3000', ...o });

describe('checkCsrf', () => {
  it('needs the custom header', () => {
    expect(checkCsrf(h({ origin: 'http://app.test:3000' }), ours)).toEqual({ ok: false, reason: 'missing-header' });
    expect(checkCsrf(h({ 'x-console-csrf': '0' }), ours)).toEqual({ ok: false, reason: 'missing-header' });
  });
  it('accepts a same-origin browser and a non-browser client', () => {
    expect(
      checkCsrf(h({ 'x-console-csrf': '1', origin: 'http://app.test:3000', 'sec-fetch-site': 'same-origin' }), ours),
    ).toEqual({ ok: true });
    expect(checkCsrf(h({ 'x-console-csrf': '1' }), ours)).toEqual({ ok: true });
  });
  it('refuses another origin, port, scheme or "null"', () => {
    for (const origin of ['http://evil.test', 'http://app.test:3001', 'https://app.test:3000', 'null']) {
      expect(checkCsrf(h({ 'x-console-csrf': '1', origin }), ours)).toEqual({ ok: false, reason: 'cross-origin' });
    }
  });
  it('refuses cross-site and same-site fetches by Sec-Fetch-Site', () => {
    expect(checkCsrf(h({ 'x-console-csrf': '1', 'sec-fetch-site': 'cross-site' }), ours)).toEqual({
      ok: false,
      reason: 'cross-site',
    });
    expect(checkCsrf(h({ 'x-console-csrf': '1', 'sec-fetch-site': 'same-site' }), ours)).toEqual({
      ok: false,
      reason: 'cross-site',
    });
  });
});
