/**
 * The domain's error vocabulary. Services throw `AppError(code)`; each door (legacy, tRPC) maps codes in one table.
 * Never throw transport errors (legacy numbers, TRPCError) from a service.
 */
export const APP_ERROR_CODES = {
  /** A request field is missing, of the wrong type or out of range (the message names it). */
  BAD_INPUT: 'bad input',
  /** The account id is already registered. */
  USER_EXISTS: 'user already registered',
  /** No account with that id. */
  USER_NOT_FOUND: 'user does not exist',
  /** The password does not match. */
  WRONG_PASSWORD: 'wrong password',
  /** Logout of a token that is unknown or already revoked. */
  ALREADY_LOGGED_OUT: 'token already logged out',
  /** Token/session unknown, revoked or idle-expired. */
  TOKEN_INVALID: 'token invalid or expired',
  /** Token issued for another appid. */
  TOKEN_APPID_MISMATCH: 'token belongs to another appid',
  /** No course with that room number (or not visible to the caller). */
  ROOM_NOT_FOUND: 'course does not exist',
  /** The caller may not do this (not a teacher, a disallowed key or action). */
  NO_PRIVILEGE: 'no privilege',
  /**
   * The course exists but the caller is not its teacher (course-access.ts). Its text is NO_PRIVILEGE's: the legacy
   * door answers it as a missing privilege, the console as a missing room.
   */
  NOT_YOUR_COURSE: 'no privilege',
  /** The course's state does not allow this. */
  COURSE_STATE: 'course state does not allow this',
  /** The course has no recording (e.g. publishing a playback that has no video). */
  NO_RECORDING: 'the course has no recording',
  /** The IM message this change depends on could not be sent; nothing changed. */
  IM_SEND_FAILED: 'IM message could not be sent',
  /** The same url is already bound there. */
  FILE_ALREADY_BOUND: 'file already bound',
  /** Unbinding a url that is not bound. */
  FILE_NOT_BOUND: 'file not bound',
  /** Exit from a room the caller never entered. */
  NOT_IN_ROOM: 'user never entered this room',
  /** Too many logins or registrations for this id or client address; wait (`data.retryAfterS`). */
  RATE_LIMITED: 'too many attempts, retry later',
  /** Too many password checks already running and queued in this process; retry in a moment (`data.retryAfterS`). */
  BUSY: 'server busy, retry later',
  /** An upstream Tencent API answered with an error (details in `data`). */
  UPSTREAM_ERROR: 'upstream service error',
  /** A file/object does not exist. */
  NOT_FOUND: 'not found',
  /** Body too large / file too large. */
  TOO_LARGE: 'too large',
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  /** Brand checked by `isAppError`: the legacy adapter may be loaded twice (custom server + Next bundle). */
  readonly isAppError = true;
  constructor(
    readonly code: AppErrorCode,
    message?: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message ?? APP_ERROR_CODES[code]);
    this.name = 'AppError';
  }
}

export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && (e as { isAppError?: unknown }).isAppError === true;
}

/** The configuration cannot work (a chosen provider lacks its settings, the secrets file is unusable): stop at start. */
export class ConfigError extends Error {}
