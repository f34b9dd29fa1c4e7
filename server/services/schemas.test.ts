import { describe, expect, it } from 'vitest';
import { bindFileInput, courseTitleInput } from './schemas';

describe('text fields count characters, not UTF-16 units', () => {
  it('accepts 128 emoji or CJK characters as a title and refuses 129', () => {
    expect(courseTitleInput.safeParse('😀'.repeat(128)).success).toBe(true);
    expect(courseTitleInput.safeParse('数'.repeat(128)).success).toBe(true);
    const over = courseTitleInput.safeParse('😀'.repeat(129));
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]?.message).toBe('at most 128 characters');
  });

  it('refuses an empty title and a huge one before walking it', () => {
    expect(courseTitleInput.safeParse('').error?.issues[0]?.message).toBe('must not be empty');
    expect(courseTitleInput.safeParse('x'.repeat(1_000_000)).success).toBe(false);
  });

  it('applies the same rule to bound file names (256)', () => {
    expect(bindFileInput.safeParse({ type: 0, file_name: '课'.repeat(256), url: 'u' }).success).toBe(true);
    expect(bindFileInput.safeParse({ type: 0, file_name: '课'.repeat(257), url: 'u' }).success).toBe(false);
  });
});
