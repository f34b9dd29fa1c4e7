import { describe, expect, it } from 'vitest';
import { encodeClientPassword } from './password';

describe('encodeClientPassword', () => {
  it('is base64 of the UTF-8 bytes, like the mobile clients', () => {
    expect(encodeClientPassword('pwd')).toBe('cHdk');
    expect(encodeClientPassword('密码123')).toBe(Buffer.from('密码123', 'utf8').toString('base64'));
    expect(encodeClientPassword('')).toBe('');
  });
});
