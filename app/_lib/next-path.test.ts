import { describe, expect, it } from 'vitest';
import { safeNextPath } from './next-path';

describe('safeNextPath', () => {
  it('keeps same-site relative paths', () => {
    expect(safeNextPath('/class/10001')).toBe('/class/10001');
    expect(safeNextPath('/students?x=1#a')).toBe('/students?x=1#a');
  });
  it('refuses anything that could leave the site', () => {
    for (const bad of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      'class/1',
      '',
      ' /x',
      '/x\n',
      'javascript:alert(1)',
      '/%0a',
      undefined,
      42,
    ]) {
      const r = safeNextPath(bad);
      if (r !== null) expect(r.startsWith('/') && !r.startsWith('//')).toBe(true);
      else expect(r).toBeNull();
    }
    expect(safeNextPath('//evil.example')).toBeNull();
    expect(safeNextPath('https://evil.example/')).toBeNull();
    expect(safeNextPath('/\\evil.example')).toBeNull();
    expect(safeNextPath('/a\tb')).toBeNull();
  });
});
