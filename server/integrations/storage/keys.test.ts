import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors';
import { encodeKeyPath, MAX_KEY_BYTES, safeObjectKey } from './keys';

function rejects(raw: unknown): string {
  try {
    safeObjectKey(raw);
  } catch (e) {
    expect(isAppError(e) && e.code).toBe('BAD_INPUT');
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('safeObjectKey', () => {
  it('accepts ordinary keys unchanged, including unicode and spaces', () => {
    for (const k of [
      'a.pdf',
      'uploads/teacher1/v1.mp4',
      'courseware/数学 第1课.pptx',
      'playback/10001/index-1800000000.json',
      'a b/c+d=e&f.txt',
      '100%.pdf',
    ]) {
      expect(safeObjectKey(k)).toBe(k);
    }
  });

  it('rejects traversal, absolute paths, hidden segments and empty segments', () => {
    for (const k of [
      '..',
      '../x',
      'a/../../x',
      'a/..',
      './a',
      'a/./b',
      '.tmp/x',
      'a/.hidden',
      '/etc/passwd',
      '/a',
      'a//b',
      'a/',
      '',
    ]) {
      rejects(k);
    }
  });

  it('rejects percent-encoded traversal (decoding first), including double encoding', () => {
    for (const k of [
      '%2e%2e/x',
      '%2E%2E%2Fetc%2Fpasswd',
      'a/%2e%2e/%2e%2e/x',
      '%252e%252e%252fx',
      '%2Fetc%2Fpasswd',
      'a%2F%2Fb',
      'a%5c..%5cb',
      'a%00b',
      '%2e/a',
    ]) {
      rejects(k);
    }
    expect(rejects('%E0%A4%A')).toMatch(/percent|control|segments/);
  });

  it('rejects backslashes, drive paths, NUL and control characters', () => {
    for (const k of ['a\\b', '..\\x', 'C:/x', 'c:\\x', 'a\u0000b', 'a\nb', 'a\rb', 'a\tb', 'a\u007fb', 'a\u001fb']) {
      rejects(k);
    }
  });

  it('rejects non-strings, lone surrogates and keys over the COS size limit', () => {
    for (const k of [undefined, null, 1, {}, ['a'], 'a\uD800b', 'x'.repeat(MAX_KEY_BYTES + 1), '数'.repeat(300)]) {
      rejects(k);
    }
    expect(safeObjectKey('x'.repeat(MAX_KEY_BYTES))).toHaveLength(MAX_KEY_BYTES);
  });

  it('encodes a key path segment by segment, keeping slashes', () => {
    expect(encodeKeyPath("a b/数/(x)!'*.pdf")).toBe('a%20b/%E6%95%B0/%28x%29%21%27%2A.pdf');
    expect(decodeURIComponent(encodeKeyPath('100%.pdf'))).toBe('100%.pdf');
  });
});
