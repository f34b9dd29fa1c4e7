import { describe, expect, it } from 'vitest';
import { negotiateLocale } from './negotiate';

describe('negotiateLocale', () => {
  it('prefers a valid cookie over Accept-Language', () => {
    expect(negotiateLocale('en', 'zh-CN,zh;q=0.9')).toBe('en');
    expect(negotiateLocale('zh-CN', 'en-US')).toBe('zh-CN');
  });
  it('ignores an invalid cookie', () => {
    expect(negotiateLocale('fr', 'en-GB')).toBe('en');
  });
  it('follows q-weights and order', () => {
    expect(negotiateLocale(undefined, 'fr;q=1, en;q=0.5, zh-TW;q=0.8')).toBe('zh-CN');
    expect(negotiateLocale(undefined, 'de, en-US, zh')).toBe('en');
    expect(negotiateLocale(undefined, 'zh;q=0, en;q=0.1')).toBe('en');
  });
  it('falls back to zh-CN', () => {
    expect(negotiateLocale(undefined, undefined)).toBe('zh-CN');
    expect(negotiateLocale(undefined, 'fr, de')).toBe('zh-CN');
    expect(negotiateLocale(undefined, ';;;,')).toBe('zh-CN');
  });
});
