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

  it('judges the normalized path: dot segments, encoded slashes and stripped characters never make "//host"', () => {
    for (const bad of [
      '/.//evil.example/',
      '/./\\evil.example',
      '/..//evil.example',
      '/a/..//evil.example',
      '/%2F/evil.example',
      '/%2f%2fevil.example',
      '/%5Cevil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'https:/evil.example',
      '\\\\evil.example',
      '/%',
    ])
      expect(safeNextPath(bad), bad).toBeNull();
    // Normalized same-site paths are kept, normalized.
    expect(safeNextPath('/./class/10001')).toBe('/class/10001');
    expect(safeNextPath('/a/../class/10001?x=%2F')).toBe('/class/10001?x=%2F');
  });
});
