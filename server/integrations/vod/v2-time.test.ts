import { describe, expect, it } from 'vitest';
import { isoToV2Time, parseV2Time, unixToIso, unixToV2Time } from './v2-time';

describe('v2 / API 3.0 time conversions', () => {
  it('writes Beijing time (UTC+8) for v2 and ISO UTC for API 3.0', () => {
    expect(unixToV2Time(1500000000)).toBe('2017-07-14 10:40:00');
    expect(unixToIso(1500000000)).toBe('2017-07-14T02:40:00Z');
    expect(isoToV2Time('2017-01-23T07:25:52Z')).toBe('2017-01-23 15:25:52');
    expect(isoToV2Time(undefined)).toBe('');
    expect(isoToV2Time('not a time')).toBe('');
  });

  it('parses v2 times as Beijing time, date-only as midnight, and round-trips', () => {
    expect(parseV2Time('2017-07-14 10:40:00')).toBe(1500000000);
    expect(parseV2Time('2017-07-14')).toBe(1500000000 - (10 * 3600 + 40 * 60));
    expect(parseV2Time(unixToV2Time(1234567890))).toBe(1234567890);
  });

  it.each([
    '2017-02-31 00:00:00',
    '2017-13-01',
    '2017-01-01 24:00:00',
    '2017-01-01 10:60:00',
    '2017-1-1',
    '2017-01-01T00:00:00',
    '',
    ' 2017-01-01',
  ])('refuses %j', (t) => expect(parseV2Time(t)).toBeNull());
});
