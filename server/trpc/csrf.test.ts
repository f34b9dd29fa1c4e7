import { describe, expect, it } from 'vitest';
import { checkCsrf, requestOrigin } from './csrf';

const url = 'http://app.test:3000/api/trpc/x';
const h = (o: Record<string, string>) => new Headers({ host: 'app.test:3000', ...o });

describe('checkCsrf', () => {
  it('needs the custom header', () => {
    expect(checkCsrf(h({ origin: 'http://app.test:3000' }), url)).toEqual({ ok: false, reason: 'missing-header' });
    expect(checkCsrf(h({ 'x-console-csrf': '0' }), url)).toEqual({ ok: false, reason: 'missing-header' });
  });
  it('accepts a same-origin browser and a non-browser client', () => {
    expect(checkCsrf(h({ 'x-console-csrf': '1', origin: 'http://app.test:3000', 'sec-fetch-site': 'same-origin' }), url)).toEqual({ ok: true });
    expect(checkCsrf(h({ 'x-console-csrf': '1' }), url)).toEqual({ ok: true });
  });
  it('refuses another origin, port, scheme or "null"', () => {
    for (const origin of ['http://evil.test', 'http://app.test:3001', 'https://app.test:3000', 'null']) {
      expect(checkCsrf(h({ 'x-console-csrf': '1', origin }), url)).toEqual({ ok: false, reason: 'cross-origin' });
    }
  });
  it('refuses cross-site and same-site fetches by Sec-Fetch-Site', () => {
    expect(checkCsrf(h({ 'x-console-csrf': '1', 'sec-fetch-site': 'cross-site' }), url)).toEqual({ ok: false, reason: 'cross-site' });
    expect(checkCsrf(h({ 'x-console-csrf': '1', 'sec-fetch-site': 'same-site' }), url)).toEqual({ ok: false, reason: 'cross-site' });
  });
  it('derives the request origin from forwarded headers', () => {
    expect(requestOrigin(new Headers({ host: 'internal:3000', 'x-forwarded-host': 'Class.Example', 'x-forwarded-proto': 'https' }), url)).toBe('https://class.example');
    expect(requestOrigin(new Headers({ host: 'app.test:3000' }), url)).toBe('http://app.test:3000');
  });
});
