'use client';
/**
 * Turns any error from the API into a sentence in the user's language: by the server's `appCode` (error-map.ts),
 * else by the tRPC code. Never shows raw server text.
 */
import { TRPCClientError } from '@trpc/client';
import type { MessageKey } from '@/server/i18n/translate';
import { useI18n } from '../_i18n/provider';

interface ErrorData {
  code?: string;
  appCode?: string | null;
  retryAfterS?: number | null;
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

export function useErrorText(): (error: unknown) => string {
  const { t } = useI18n();
  return (error) => {
    if (error instanceof TRPCClientError) {
      const data = (error.data ?? {}) as ErrorData;
      const key = (data.appCode && BY_APP_CODE[data.appCode]) || (data.code && BY_TRPC_CODE[data.code]) || 'error.generic';
      return t(key, { minutes: Math.max(1, Math.ceil((data.retryAfterS ?? 60) / 60)) });
    }
    if (error instanceof UploadError) return t(error.key);
    return t('error.network');
  };
}

/** An error raised by the browser side of an upload (network, storage refusal). */
export class UploadError extends Error {
  constructor(readonly key: MessageKey) {
    super(key);
  }
}

export function ErrorMessage({ error }: { error: unknown }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p className="alert error" role="alert" data-testid="error-message">
      {text(error)}
    </p>
  );
}
