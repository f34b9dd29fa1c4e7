/**
 * Field schemas shared by both doors (legacy and tRPC) where they describe the same thing.
 */
import { z } from 'zod';
import { COURSE_STATE, ROLE } from './course-state';
import { COURSE_TITLE_MAX, PLANNED_MINUTES, USER_ID_REGEX } from './input-rules';
import { CONSOLE_PASSWORD_MIN_CHARS, longEnoughPassword } from './password-rules';

/** What Tencent IM accepts as a UserID (input-rules.ts, which the forms share). */
export const userIdInput = z.string().regex(USER_ID_REGEX, 'must be 1-32 letters, digits, _ or -');
/** The password exactly as clients send it (base64 of the real one); hashed as-is. */
export const passwordInput = z.string().min(1, 'must not be empty').max(1024, 'too long');
/** The plain password inside the client encoding, or null when it is not canonical base64 of valid UTF-8. */
export function decodeClientPassword(b64: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64, 'base64'));
  } catch {
    return null;
  }
}

/**
 * A new console password (registration, change, reset): base64 of the UTF-8 password like every other
 * (app/_lib/password.ts), whose DECODED text is long enough (password-rules.ts, which the forms share). Existing
 * accounts keep what they registered with; legacy `account/regist` keeps the 2017 rules.
 */
export const newConsolePasswordInput = passwordInput.superRefine((pwd, c) => {
  // An empty one is already refused by passwordInput: one message is enough.
  if (pwd === '') return;
  const plain = decodeClientPassword(pwd);
  if (plain === null) c.addIssue({ code: 'custom', message: 'password must be base64 of the UTF-8 password' });
  else if (!longEnoughPassword(plain))
    c.addIssue({ code: 'custom', message: `password must have at least ${CONSOLE_PASSWORD_MIN_CHARS} characters` });
});
export const roleInput = z.union([z.literal(ROLE.STUDENT), z.literal(ROLE.TEACHER)]);

/**
 * A string of `min`–`max` characters counted as code points (what a user calls characters: 128 emoji or CJK
 * characters fit in 128), with a UTF-16 ceiling first so a huge string is refused before it is walked.
 */
function textInput(min: number, max: number) {
  const size = (s: string) => [...s].length;
  return z
    .string()
    .max(max * 2, `at most ${max} characters`)
    .refine((s) => size(s) >= min, min === 1 ? 'must not be empty' : `at least ${min} characters`)
    .refine((s) => size(s) <= max, `at most ${max} characters`);
}

export const courseTitleInput = textInput(1, COURSE_TITLE_MAX);
export const courseCoverInput = z.string().max(512, 'at most 512 characters');
export const roomnumInput = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const unixTimeInput = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 53 - 1);
/** Console scheduling: a planned start (unix s; the service also bounds it around now) and a length in minutes. */
export const plannedStartInput = z
  .number()
  .int()
  .min(1_577_836_800, 'must be after 2020')
  .max(4_102_444_800, 'must be before 2100');
export const plannedMinutesInput = z
  .number()
  .int()
  .min(PLANNED_MINUTES.MIN, `must be at least ${PLANNED_MINUTES.MIN} minutes`)
  .max(PLANNED_MINUTES.MAX, `must be at most ${PLANNED_MINUTES.MAX} minutes`);
export const pageIndexInput = z.number().int().min(0).max(1_000_000_000);
export const pageSizeInput = z.number().int().min(0).max(50);
export const courseStateInput = z.union([
  z.literal(COURSE_STATE.CREATED),
  z.literal(COURSE_STATE.LIVE),
  z.literal(COURSE_STATE.ENDED),
  z.literal(COURSE_STATE.PLAYBACK),
]);

export const bindFileInput = z.object({
  type: z.union([z.literal(0), z.literal(1)]),
  file_name: textInput(1, 256),
  url: z.string().min(1, 'must not be empty').max(2048, 'at most 2048 characters'),
});
export type BindFileInput = z.infer<typeof bindFileInput>;

/** The authenticated caller, as both doors establish it. */
export interface Caller {
  uid: string;
  role: number;
  appid: number;
}
