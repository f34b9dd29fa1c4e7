import { describe, expect, it } from 'vitest';
import { coveredTarget, isCovered, momentOf, seekTarget } from './seek';

const segs = [
  { startTime: 100, endTime: 200, duration: 100 },
  { startTime: 300, endTime: 400, duration: 0 },
];

describe('seekTarget', () => {
  it('seeks inside a recording', () => {
    expect(seekTarget(segs, 150)).toEqual({ index: 0, offsetS: 50 });
    expect(seekTarget(segs, 300)).toEqual({ index: 1, offsetS: 0 });
    expect(seekTarget(segs, 399)).toEqual({ index: 1, offsetS: 99 });
  });
  it('jumps over gaps and clamps at the ends', () => {
    expect(seekTarget(segs, 50)).toEqual({ index: 0, offsetS: 0 });
    expect(seekTarget(segs, 250)).toEqual({ index: 1, offsetS: 0 });
    expect(seekTarget(segs, 999)).toEqual({ index: 1, offsetS: 100 });
  });
  it('clamps to the media length when the wall-clock span is longer', () => {
    expect(seekTarget([{ startTime: 0, endTime: 100, duration: 60 }], 90)).toEqual({ index: 0, offsetS: 60 });
  });
  it('has no target without recordings', () => {
    expect(seekTarget([], 10)).toBeNull();
  });
  it('maps back to the class moment', () => {
    expect(momentOf(segs, 1, 20)).toBe(320);
    expect(momentOf(segs, 5, 0)).toBeNull();
  });
});

describe('coveredTarget / isCovered', () => {
  it('answers where a covered moment is shown, boundaries included', () => {
    expect(coveredTarget(segs, 100)).toEqual({ index: 0, offsetS: 0 });
    expect(coveredTarget(segs, 150)).toEqual({ index: 0, offsetS: 50 });
    expect(coveredTarget(segs, 200)).toEqual({ index: 0, offsetS: 100 });
    expect(coveredTarget(segs, 350)).toEqual({ index: 1, offsetS: 50 });
    expect(isCovered(segs, 400)).toBe(true);
  });
  it('says no for moments before, between and after the recordings (where seekTarget would jump)', () => {
    for (const at of [99, 250, 401, 10_000]) {
      expect(coveredTarget(segs, at)).toBeNull();
      expect(isCovered(segs, at)).toBe(false);
      expect(seekTarget(segs, at)).not.toBeNull();
    }
  });
  it('does not count the part of a wall-clock span past the media end', () => {
    const short = [{ startTime: 0, endTime: 100, duration: 60 }];
    expect(coveredTarget(short, 60)).toEqual({ index: 0, offsetS: 60 });
    expect(isCovered(short, 61)).toBe(false);
  });
  it('covers nothing without recordings', () => {
    expect(isCovered([], 10)).toBe(false);
  });
});
