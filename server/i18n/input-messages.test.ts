import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classCsvInput } from '../console/class-list';
import { courseTitleInput, plannedMinutesInput, plannedStartInput, userIdInput } from '../services/schemas';
import { localizeInputMessage, localizeZodIssue, splitFieldMessage } from './input-messages';

/** Latin words (3+ letters) left in a Chinese message; "kB", "NUL", "http(s)" and "base64"/"UTF-8" are allowed. */
const english = (s: string) => (s.replace(/kB|NUL|http\(s\)|base64|UTF-8/g, '').match(/[A-Za-z]{3,}/g) ?? []).join(' ');

describe('input messages in Chinese', () => {
  it('translates the schemas’ own messages and zod’s defaults, carrying the limits over', () => {
    const cases: [z.ZodType, unknown][] = [
      [plannedMinutesInput, 3],
      [plannedMinutesInput, 601],
      [plannedStartInput, 1],
      [plannedStartInput, 5_000_000_000],
      [userIdInput, 'no spaces'],
      [classCsvInput, Array.from({ length: 1200 }, () => 'x').join('\n')],
      [classCsvInput, 'x'.repeat(100_001)],
      [z.object({ a: z.string() }), {}],
      [z.number().int().max(9), 10],
      [z.string().max(3), 'abcd'],
      [z.enum(['a', 'b']), 'c'],
    ];
    cases.push([courseTitleInput, ''], [courseTitleInput, 'x'.repeat(200)]);
    for (const [schema, input] of cases) {
      const r = schema.safeParse(input);
      expect(r.success).toBe(false);
      for (const issue of r.error!.issues) {
        const zh = localizeZodIssue(issue, 'zh-CN');
        expect(english(zh), `${issue.message} → ${zh}`).toBe('');
        expect(localizeZodIssue(issue, 'en')).toBe(issue.message);
      }
    }
    expect(localizeZodIssue(plannedMinutesInput.safeParse(3).error!.issues[0]!, 'zh-CN')).toBe('至少 5 分钟');
    expect(localizeInputMessage('at most 1000 lines', 'zh-CN')).toBe('最多 1000 行');
  });

  it('services name the field first; unknown texts still come out Chinese', () => {
    expect(splitFieldMessage('plannedStart: must be at most 366 days ahead')).toEqual({
      field: 'plannedStart',
      message: 'must be at most 366 days ahead',
    });
    expect(splitFieldMessage('bad file')).toBeNull();
    expect(localizeInputMessage('something nobody wrote a rule for', 'zh-CN')).toBe('无效');
    expect(localizeInputMessage('something nobody wrote a rule for', 'en')).toBe('something nobody wrote a rule for');
  });
});
