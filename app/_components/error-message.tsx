'use client';
/**
 * Turns any error from the API into a sentence in the user's language: by the server's `appCode` (error-map.ts),
 * else by the tRPC code. A course-state refusal is explained per action (what the teacher tried), since "state does
 * not allow this" means nothing to a teacher. Never shows raw server text, except zod's field messages, which
 * fieldErrorsOf hands to forms next to the field they concern.
 */
import type { MessageKey } from '@/server/i18n/translate';
import { useI18n } from '../_i18n/provider';
import { ApiError } from '../_lib/auth-call';

interface ErrorData {
  code?: string;
  appCode?: string | null;
  retryAfterS?: number | null;
  zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null;
}

/** What the teacher was doing when the server refused: picks the COURSE_STATE sentence. */
type CourseAction = 'edit' | 'delete' | 'start' | 'end' | 'files' | 'publish';

const COURSE_STATE_BY_ACTION: Record<CourseAction, MessageKey> = {
  edit: 'error.COURSE_STATE.edit',
  delete: 'error.COURSE_STATE.delete',
  start: 'error.COURSE_STATE.start',
  end: 'error.COURSE_STATE.end',
  files: 'error.COURSE_STATE.files',
  publish: 'error.COURSE_STATE.publish',
};

/**
 * The error data of a server answer: a TRPCClientError (recognised by name, so the logged-out pages, which use
 * _lib/auth-call.ts, do not load the tRPC client for this check) or an ApiError; null for anything else.
 */
function apiData(error: unknown): ErrorData | null {
  if (error instanceof ApiError) return error.data as ErrorData;
  if (error instanceof Error && error.name === 'TRPCClientError')
    return ((error as { data?: unknown }).data ?? {}) as ErrorData;
  return null;
}

/** The server's zod messages by field name (first message each), for a form to show beside its fields. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const fe = apiData(error)?.zodError?.fieldErrors ?? {};
  const out: Record<string, string> = {};
  for (const [field, msgs] of Object.entries(fe)) if (msgs?.[0]) out[field] = msgs[0];
  return out;
}

/** The server's appCode of an API error (null for other errors). */
export function appCodeOf(error: unknown): string | null {
  return apiData(error)?.appCode ?? null;
}

const BY_APP_CODE: Partial<Record<string, MessageKey>> = {
  BAD_INPUT: 'error.BAD_INPUT',
  USER_EXISTS: 'error.USER_EXISTS',
  WRONG_PASSWORD: 'error.WRONG_PASSWORD',
  ROOM_NOT_FOUND: 'error.ROOM_NOT_FOUND',
  NO_PRIVILEGE: 'error.NO_PRIVILEGE',
  COURSE_STATE: 'error.COURSE_STATE',
  NO_RECORDING: 'error.NO_RECORDING',
  IM_SEND_FAILED: 'error.IM_SEND_FAILED',
  FILE_ALREADY_BOUND: 'error.FILE_ALREADY_BOUND',
  FILE_NOT_BOUND: 'error.FILE_NOT_BOUND',
  RATE_LIMITED: 'error.RATE_LIMITED',
  BUSY: 'error.BUSY',
  NOT_FOUND: 'error.NOT_FOUND',
  TOO_LARGE: 'error.TOO_LARGE',
  UPSTREAM_ERROR: 'error.UPSTREAM_ERROR',
};

const BY_TRPC_CODE: Partial<Record<string, MessageKey>> = {
  UNAUTHORIZED: 'error.UNAUTHORIZED',
  FORBIDDEN: 'error.FORBIDDEN',
  NOT_FOUND: 'error.ROOM_NOT_FOUND',
  TOO_MANY_REQUESTS: 'error.RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'error.BUSY',
};

export function useErrorText(): (error: unknown, action?: CourseAction) => string {
  const { t } = useI18n();
  return (error, action) => {
    const data = apiData(error);
    if (data) {
      const byAction = data.appCode === 'COURSE_STATE' && action ? COURSE_STATE_BY_ACTION[action] : undefined;
      const key =
        byAction ||
        (data.appCode && BY_APP_CODE[data.appCode]) ||
        (data.code && BY_TRPC_CODE[data.code]) ||
        'error.generic';
      return t(key, { minutes: Math.max(1, Math.ceil((data.retryAfterS ?? 60) / 60)) });
    }
    if (error instanceof UploadError) return t(error.key, error.vars);
    return t('error.network');
  };
}

/** An error raised by the browser side of an upload (network, storage refusal). */
export class UploadError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

export function ErrorMessage({ error, action }: { error: unknown; action?: CourseAction }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p className="alert error" role="alert" data-testid="error-message">
      {text(error, action)}
    </p>
  );
}
