import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientUploadPlain, clientUploadSign, MAX_CLIENT_SIGN_LIFETIME_S } from './client-upload-sign';

const base = { secretId: 'AKIDEXAMPLE', secretKey: 'EXAMPLEKEY', now: 1500000000, lifetimeS: 86400, random: 220625 };

function verify(sign: string, key: string): string | null {
  const raw = Buffer.from(sign, 'base64');
  return createHmac('sha1', key).update(raw.subarray(20)).digest().equals(raw.subarray(0, 20))
    ? raw.subarray(20).toString()
    : null;
}

describe('VOD client-upload signature (tencent-protocols.md §4b worked examples)', () => {
  it('required fields only', () => {
    expect(clientUploadPlain(base)).toBe(
      'secretId=AKIDEXAMPLE&currentTimeStamp=1500000000&expireTime=1500086400&random=220625',
    );
    const sign = clientUploadSign(base);
    expect(sign).toBe(
      'k5Xb5dTnVFNMSg6TuqNUKH2hFNtzZWNyZXRJZD1BS0lERVhBTVBMRSZjdXJyZW50VGltZVN0YW1wPTE1MDAwMDAwMDAmZXhwaXJlVGltZT0xNTAwMDg2NDAwJnJhbmRvbT0yMjA2MjU=',
    );
    expect(createHmac('sha1', 'EXAMPLEKEY').update(clientUploadPlain(base)).digest('hex')).toBe(
      '9395dbe5d4e754534c4a0e93baa354287da114db',
    );
  });

  it('with options (procedure, classId, oneTimeValid, sourceContext)', () => {
    const i = {
      ...base,
      options: {
        procedure: 'QCVB_SimpleProcessFile(1,0)',
        classId: 0,
        oneTimeValid: 1,
        sourceContext: 'room=18&uid=teacher1',
      },
    };
    const sign = clientUploadSign(i);
    expect(sign).toBe(
      '2P7MtoH+0O/fsGt/rXNfUXwC2LVzZWNyZXRJZD1BS0lERVhBTVBMRSZjdXJyZW50VGltZVN0YW1wPTE1MDAwMDAwMDAmZXhwaXJlVGltZT0xNTAwMDg2NDAwJnJhbmRvbT0yMjA2MjUmcHJvY2VkdXJlPVFDVkJfU2ltcGxlUHJvY2Vzc0ZpbGUoMSUyQzApJmNsYXNzSWQ9MCZvbmVUaW1lVmFsaWQ9MSZzb3VyY2VDb250ZXh0PXJvb20lM0QxOCUyNnVpZCUzRHRlYWNoZXIx',
    );
    expect(createHmac('sha1', 'EXAMPLEKEY').update(clientUploadPlain(i)).digest('hex')).toBe(
      'd8feccb681fed0efdfb06b7fad735f517c02d8b5',
    );
  });

  it('caps the lifetime at 90 days and never lets an option replace a required field', () => {
    const plain = clientUploadPlain({ ...base, lifetimeS: 10 ** 9, options: { secretId: 'evil', random: 1 } });
    expect(plain).toBe(
      `secretId=AKIDEXAMPLE&currentTimeStamp=1500000000&expireTime=${1500000000 + MAX_CLIENT_SIGN_LIFETIME_S}&random=220625`,
    );
    expect(verify(clientUploadSign({ ...base, secretKey: 'other' }), 'other')).toBe(clientUploadPlain(base));
    expect(verify(clientUploadSign(base), 'wrong')).toBeNull();
  });
});
