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
  zodError?: { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined> } | null;
}

/**
 * What the user was doing when the server refused: picks the COURSE_STATE sentence, and for a wrong password whether
 * it was the current password (changePassword) or a reset code (reset) — not "wrong account ID or password".
 */
type CourseAction = 'edit' | 'delete' | 'start' | 'end' | 'files' | 'publish' | 'changePassword' | 'reset';

const WRONG_PASSWORD_BY_ACTION: Partial<Record<CourseAction, MessageKey>> = {
  changePassword: 'error.WRONG_PASSWORD.current',
  reset: 'error.WRONG_PASSWORD.reset',
};

/** How the server's field names read in a sentence ("Duration: must be at least 5 minutes"). */
export const FIELD_NAMES: Partial<Record<string, MessageKey>> = {
  title: 'field.title',
  cover: 'field.cover',
  plannedStart: 'field.plannedStart',
  plannedMinutes: 'field.plannedMinutes',
  text: 'field.text',
  ids: 'field.ids',
  id: 'field.id',
  uid: 'field.uid',
  pwd: 'field.pwd',
  current: 'field.current',
  next: 'field.next',
  code: 'field.code',
};

const COURSE_STATE_BY_ACTION: Partial<Record<CourseAction, MessageKey>> = {
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
  // The server has already put them in the user's language (server/i18n/input-messages.ts).
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
      // Bad input says which field and what limit (the server's messages, already in the user's language).
      if (data.appCode === 'BAD_INPUT' && data.zodError) {
        const parts = [
          ...Object.entries(data.zodError.fieldErrors ?? {}).flatMap(([field, msgs]) =>
            msgs?.[0]
              ? [t('validation.field', { field: t(FIELD_NAMES[field] ?? 'field.input'), message: msgs[0] })]
              : [],
          ),
          ...(data.zodError.formErrors ?? []),
        ];
        if (parts.length > 0) return parts.join(' ');
      }
      const byAction =
        action &&
        (data.appCode === 'COURSE_STATE'
          ? COURSE_STATE_BY_ACTION[action]
          : data.appCode === 'WRONG_PASSWORD'
            ? WRONG_PASSWORD_BY_ACTION[action]
            : undefined);
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
