import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeV2Params, vodV2Sign, vodV2SignSource } from './api-v2-sign';

const params = normalizeV2Params({
  Action: 'DescribeVodInfo',
  Nonce: 11886,
  Region: 'gz',
  SecretId: 'AKIDEXAMPLE',
  SignatureMethod: 'HmacSHA256',
  Timestamp: 1465185768,
})!;

describe('VOD API v2 signature (tencent-protocols.md §4a worked examples)', () => {
  it('GET example', () => {
    const src = vodV2SignSource('GET', 'vod.api.qcloud.com', '/v2/index.php', params);
    expect(src).toBe(
      'GETvod.api.qcloud.com/v2/index.php?Action=DescribeVodInfo&Nonce=11886&Region=gz&SecretId=AKIDEXAMPLE&SignatureMethod=HmacSHA256&Timestamp=1465185768',
    );
    expect(vodV2Sign('EXAMPLEKEY', 'HmacSHA256', src)).toBe('L9J9ArHb5nBfEaeZX5mn558Jd0ZkIKboSjmhn4YYzxs=');
    expect(createHmac('sha256', 'EXAMPLEKEY').update(src).digest('base64')).toBe(
      'L9J9ArHb5nBfEaeZX5mn558Jd0ZkIKboSjmhn4YYzxs=',
    );
  });

  it('POST example', () => {
    const src = vodV2SignSource('POST', 'vod.api.qcloud.com', '/v2/index.php', params);
    expect(vodV2Sign('EXAMPLEKEY', 'HmacSHA256', src)).toBe('LUTOeiIsMh4RjizyPOCd28zax2/lebbeNjS6TI37P7I=');
  });

  it('HmacSHA1 and an independent computation agree', () => {
    const src = vodV2SignSource(
      'GET',
      'h',
      '/p',
      new Map([
        ['b', '2'],
        ['a', 'x y'],
      ]),
    );
    expect(src).toBe('GETh/p?a=x y&b=2');
    expect(vodV2Sign('k', 'HmacSHA1', src)).toBe(createHmac('sha1', 'k').update('GETh/p?a=x y&b=2').digest('base64'));
  });

  it('sorts keys bytewise (uppercase before lowercase) and never signs Signature', () => {
    const src = vodV2SignSource(
      'GET',
      'h',
      '/p',
      new Map([
        ['b', '1'],
        ['B', '2'],
        ['a.1', '3'],
        ['Signature', 'zzz'],
      ]),
    );
    expect(src).toBe('GETh/p?B=2&a.1=3&b=1');
  });

  it('flattens arrays and objects, replaces _ with . in every key, prints numbers plainly', () => {
    const flat = normalizeV2Params({
      fileIds: ['a', 'b'],
      info_Filter: { x_y: 1 },
      n: 1e20,
      f: 1.5,
      instanceIds_0: 'i',
    })!;
    expect([...flat.entries()]).toEqual([
      ['fileIds.0', 'a'],
      ['fileIds.1', 'b'],
      ['info.Filter.x.y', '1'],
      ['n', '100000000000000000000'],
      ['f', '1.5'],
      ['instanceIds.0', 'i'],
    ]);
  });

  it('reports a collision after normalisation', () => {
    expect(normalizeV2Params({ a_b: '1', 'a.b': '2' })).toBeNull();
    expect(normalizeV2Params({ 'x.0': '1', x: ['2'] })).toBeNull();
  });
});
