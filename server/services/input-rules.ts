/**
 * The limits a user meets in a form, written once for the server's input schemas (schemas.ts) and the console's
 * forms (the `pattern`, `maxLength`, `min` and `max` attributes that answer before a round trip). Like
 * course-state.ts and password-rules.ts it imports nothing, so client components may import it.
 */

/**
 * What Tencent IM accepts as a UserID: 1–32 letters, digits, `_` and `-`. The form of an HTML `pattern` attribute
 * (browsers compile it with the `v` flag, where a literal `-` in a class must be escaped); USER_ID_REGEX is the
 * same pattern anchored, for the server.
 */
export const USER_ID_MAX_CHARS = 32;
export const USER_ID_PATTERN = `[A-Za-z0-9_\\-]{1,${USER_ID_MAX_CHARS}}`;
export const USER_ID_REGEX = new RegExp(`^${USER_ID_PATTERN}$`);

/** A course title's length limit in characters (the console shows it as a counter). */
export const COURSE_TITLE_MAX = 128;

/** A planned course length, in minutes (the form steps by 5). */
export const PLANNED_MINUTES = { MIN: 5, MAX: 600 } as const;

/** A course search's text, in characters. */
export const COURSE_SEARCH_MAX = 128;

/** A password reset code as typed (16 characters shown in groups; spaces and dashes are ignored). */
export const RESET_CODE_INPUT_MAX = 64;

/** What a teacher may type where an account id is looked up loosely (trimmed and checked after): the class list. */
export const LOOSE_ID_MAX = 64;
