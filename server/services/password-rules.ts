/**
 * The console's rule for new passwords, without dependencies so the register form (client bundle) and the server's
 * input schema (schemas.newConsolePasswordInput) share it. Characters are code points: 8 CJK characters are 8.
 * Legacy `account/regist` keeps the 2017 rules (any non-empty base64 string).
 */
export const CONSOLE_PASSWORD_MIN_CHARS = 8;

/** Whether a plain (decoded) password is long enough for a new console account. */
export function longEnoughPassword(plain: string): boolean {
  return [...plain].length >= CONSOLE_PASSWORD_MIN_CHARS;
}

export type NewPasswordProblem = 'tooShort' | 'mismatch';

/**
 * What is wrong with a new password typed twice (register, reset, change), or null: the forms' one check, before a
 * round trip. The server checks the length again on the decoded text; typing it twice is a form's matter only.
 */
export function newPasswordProblem(pwd: string, again: string): NewPasswordProblem | null {
  if (!longEnoughPassword(pwd)) return 'tooShort';
  return pwd === again ? null : 'mismatch';
}
