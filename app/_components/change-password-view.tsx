'use client';
/**
 * Change password (signed in): current + new twice. Passwords leave the browser base64-encoded like the mobile
 * clients send them; the 8-character minimum is checked here for a quick answer and again by the server on the
 * decoded text. The server keeps this session and signs every other session and app token out.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { CONSOLE_PASSWORD_MIN_CHARS, longEnoughPassword } from '@/server/services/password-rules';
import { useI18n } from '../_i18n/provider';
import { encodeClientPassword } from '../_lib/password';
import { useTRPC } from '../_trpc/client';
import { ErrorMessage } from './error-message';

export function ChangePasswordView() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<'mismatch' | 'short' | null>(null);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent('');
        setNext('');
        setAgain('');
      },
    }),
  );
  return (
    <>
      <h1>{t('pwd.title')}</h1>
      <p className="muted">{t('pwd.intro')}</p>
      <form
        className="card stack narrow-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!longEnoughPassword(next)) return setProblem('short');
          if (next !== again) return setProblem('mismatch');
          setProblem(null);
          change.mutate({ current: encodeClientPassword(current), next: encodeClientPassword(next) });
        }}
      >
        <div className="field">
          <label htmlFor="pwd-current">{t('pwd.current')}</label>
          <input
            id="pwd-current"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="pwd-new">{t('pwd.new')}</label>
          <input
            id="pwd-new"
            type="password"
            autoComplete="new-password"
            required
            minLength={CONSOLE_PASSWORD_MIN_CHARS}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="pwd-again">{t('pwd.newAgain')}</label>
          <input
            id="pwd-again"
            type="password"
            autoComplete="new-password"
            required
            value={again}
            onChange={(e) => setAgain(e.target.value)}
          />
        </div>
        {problem && (
          <p className="alert error" role="alert" data-testid="error-message">
            {problem === 'short' ? t('pwd.tooShort') : t('auth.passwordMismatch')}
          </p>
        )}
        <ErrorMessage error={change.error} action="changePassword" />
        {change.isSuccess && (
          <p className="alert" role="status" data-testid="pwd-done">
            {t('pwd.done')}
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary" disabled={change.isPending} data-testid="pwd-save">
            {t('pwd.save')}
          </button>
        </div>
      </form>
    </>
  );
}
