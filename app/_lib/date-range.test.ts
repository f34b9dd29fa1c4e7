import { describe, expect, it } from 'vitest';
import { dayRangeToUnix, defaultDayRange, unixToDayInput } from './date-range';

describe('date range inputs', () => {
  it('defaults to the last 30 days and maps days to whole local days in unix seconds', () => {
    expect(defaultDayRange(new Date(2026, 10, 29, 15, 0))).toEqual({ from: '2026-10-30', to: '2026-11-29' });
    const r = dayRangeToUnix('2026-11-01', '2026-11-02');
    expect(r.from).toBe(new Date(2026, 10, 1).getTime() / 1000);
    expect(r.to).toBe(new Date(2026, 10, 3).getTime() / 1000 - 1);
    expect(unixToDayInput(r.to!)).toBe('2026-11-02');
  });
  it('leaves an empty or malformed bound to the server default', () => {
    expect(dayRangeToUnix('', 'nope')).toEqual({ from: undefined, to: undefined });
  });
});
