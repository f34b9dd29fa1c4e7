import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cosV4FileId, cosV4Plain, cosV4Sign } from './v4-sign';

/** Independent check: HMAC-SHA1 over the bytes after the first 20 must equal the first 20 (how COS verifies). */
function verify(sign: string, key: string): { ok: boolean; plain: string } {
  const raw = Buffer.from(sign, 'base64');
  const plain = raw.subarray(20);
  return {
    ok: createHmac('sha1', key).update(plain).digest().equals(raw.subarray(0, 20)),
    plain: plain.toString('utf8'),
  };
}

const base = {
  appid: 1250000000,
  bucket: 'edu',
  secretId: 'AKIDEXAMPLE',
  secretKey: 'EXAMPLEKEY',
  now: 1500000000,
  random: 12345,
};

describe('COS v4 signature (tencent-protocols.md §3b worked examples)', () => {
  it('multi-effect example', () => {
    const i = { ...base, expire: 1502592000, fileId: '' };
    expect(cosV4Plain(i)).toBe('a=1250000000&b=edu&k=AKIDEXAMPLE&e=1502592000&t=1500000000&r=12345&f=');
    expect(createHmac('sha1', 'EXAMPLEKEY').update(cosV4Plain(i)).digest('hex')).toBe(
      'fb6cc14310f5d5fecabf8b564fe159cd998f0600',
    );
    expect(cosV4Sign(i)).toBe(
      '+2zBQxD11f7Kv4tWT+FZzZmPBgBhPTEyNTAwMDAwMDAmYj1lZHUmaz1BS0lERVhBTVBMRSZlPTE1MDI1OTIwMDAmdD0xNTAwMDAwMDAwJnI9MTIzNDUmZj0=',
    );
  });

  it('once example, fileid built from the path', () => {
    const fileId = cosV4FileId(1250000000, 'edu', '/docs/a.pdf');
    expect(fileId).toBe('/1250000000/edu/docs/a.pdf');
    const sign = cosV4Sign({ ...base, expire: 0, fileId });
    expect(sign).toBe(
      '1nEo7LEiHCuGaq7Or/a9Lt9xosZhPTEyNTAwMDAwMDAmYj1lZHUmaz1BS0lERVhBTVBMRSZlPTAmdD0xNTAwMDAwMDAwJnI9MTIzNDUmZj0vMTI1MDAwMDAwMC9lZHUvZG9jcy9hLnBkZg==',
    );
    expect(createHmac('sha1', 'EXAMPLEKEY').update(verify(sign, 'EXAMPLEKEY').plain).digest('hex')).toBe(
      'd67128ecb1221c2b866aaeceaff6bd2edf71a2c6',
    );
  });

  it('verifies independently for other inputs, and a wrong key does not verify', () => {
    const sign = cosV4Sign({
      ...base,
      secretKey: 'k2',
      expire: 1600000000,
      random: 4294967295,
      fileId: '/x/中文 y.mp4',
    });
    expect(verify(sign, 'k2')).toEqual({
      ok: true,
      plain: 'a=1250000000&b=edu&k=AKIDEXAMPLE&e=1600000000&t=1500000000&r=4294967295&f=/x/中文 y.mp4',
    });
    expect(verify(sign, 'EXAMPLEKEY').ok).toBe(false);
  });

  it('fileid URL-encodes each segment and keeps /', () => {
    expect(cosV4FileId(1, 'b', '/a b/c&d/e.pdf')).toBe('/1/b/a%20b/c%26d/e.pdf');
  });
});
