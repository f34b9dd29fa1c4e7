import { describe, expect, it } from 'vitest';
import { coveredTarget } from './seek';

const segs = [
  { startTime: 100, endTime: 200, duration: 100 },
  { startTime: 300, endTime: 400, duration: 0 },
];

describe('coveredTarget', () => {
  it('answers where a covered moment is shown, boundaries included', () => {
    expect(coveredTarget(segs, 100)).toEqual({ index: 0, offsetS: 0 });
    expect(coveredTarget(segs, 150)).toEqual({ index: 0, offsetS: 50 });
    expect(coveredTarget(segs, 200)).toEqual({ index: 0, offsetS: 100 });
    expect(coveredTarget(segs, 350)).toEqual({ index: 1, offsetS: 50 });
    expect(coveredTarget(segs, 400)).toEqual({ index: 1, offsetS: 100 });
  });
  it('says no for moments before, between and after the recordings', () => {
    for (const at of [99, 250, 401, 10_000]) expect(coveredTarget(segs, at)).toBeNull();
  });
  it('does not count the part of a wall-clock span past the media end', () => {
    const short = [{ startTime: 0, endTime: 100, duration: 60 }];
    expect(coveredTarget(short, 60)).toEqual({ index: 0, offsetS: 60 });
    expect(coveredTarget(short, 61)).toBeNull();
  });
  it('covers nothing without recordings', () => {
    expect(coveredTarget([], 10)).toBeNull();
  });
});
