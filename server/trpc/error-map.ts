/**
 * The tRPC door's one mapping table: AppErrorCode → tRPC error code (and so HTTP status). Services throw AppError;
 * this table is the only place that decides what a console client sees. Must not contain business rules.
 */
import { TRPCError } from '@trpc/server';
import { AppError, type AppErrorCode } from '../errors';

type TRPCCode = TRPCError['code'];

const TRPC_CODE_OF: Record<AppErrorCode, TRPCCode> = {
  BAD_INPUT: 'BAD_REQUEST',
  USER_EXISTS: 'CONFLICT',
  // The console never tells which half of a login was wrong (sessions.loginConsole folds both into WRONG_PASSWORD).
  USER_NOT_FOUND: 'UNAUTHORIZED',
  WRONG_PASSWORD: 'UNAUTHORIZED',
  ALREADY_LOGGED_OUT: 'UNAUTHORIZED',
  TOKEN_INVALID: 'UNAUTHORIZED',
  TOKEN_APPID_MISMATCH: 'UNAUTHORIZED',
  ROOM_NOT_FOUND: 'NOT_FOUND',
  NO_PRIVILEGE: 'FORBIDDEN',
  NOT_YOUR_COURSE: 'NOT_FOUND',
  COURSE_STATE: 'PRECONDITION_FAILED',
  NO_RECORDING: 'PRECONDITION_FAILED',
  IM_SEND_FAILED: 'BAD_GATEWAY',
  FILE_ALREADY_BOUND: 'CONFLICT',
  FILE_NOT_BOUND: 'NOT_FOUND',
  NOT_IN_ROOM: 'PRECONDITION_FAILED',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  // A full password-hash queue is the server's state, not the caller's doing: 503 (with retryAfterS like 429).
  BUSY: 'SERVICE_UNAVAILABLE',
  UPSTREAM_ERROR: 'BAD_GATEWAY',
  NOT_FOUND: 'NOT_FOUND',
  TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

/**
 * What the console shows instead of a domain error: another teacher's course is a missing room (code, message and
 * appCode alike), so room numbers cannot be probed for others' courses.
 */
export function consoleView(e: AppError): AppError {
  return e.code === 'NOT_YOUR_COURSE' ? new AppError('ROOM_NOT_FOUND') : e;
}

/** The TRPCError a console client receives for a domain error; the AppError it shows stays attached as `cause`. */
export function toTRPCError(e: AppError): TRPCError {
  const shown = consoleView(e);
  return new TRPCError({ code: TRPC_CODE_OF[shown.code], message: shown.message, cause: shown });
}
