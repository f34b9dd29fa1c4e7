import { describe, expect, it } from 'vitest';
import { en } from './messages/en';
import { zhCN } from './messages/zh-CN';
import { translate } from './translate';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('zh-CN has exactly the English keys, none empty, with the same placeholders', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(en)) {
      const zh = zhCN[k as keyof typeof en];
      expect(v.trim(), k).not.toBe('');
      expect(zh.trim(), k).not.toBe('');
      expect(placeholders(zh), k).toEqual(placeholders(v));
    }
  });
  it('fills placeholders as plain text and leaves unknown ones', () => {
    expect(translate(en, 'files.unbindBody', { name: '<b>x</b>' })).toBe('“<b>x</b>” will no longer be attached here.');
    expect(translate(en, 'courses.pageOf', { page: 2 })).toBe('Page 2 of {pages}');
  });
});
