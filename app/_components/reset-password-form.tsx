'use client';
/**
 * "Forgot password": account id + the one-time code printed by `npm run reset-password <id>` + a new password.
 * Does not sign in: on success the user goes to the login page with the new password. Wrong codes count as failed
 * logins on the server (same limiter), so guessing is as slow as guessing passwords.
 */
import Link from 'next/link';
import { useState } from 'react';
import { CONSOLE_PASSWORD_MIN_CHARS, longEnoughPassword } from '@/server/services/password-rules';
import { useI18n } from '../_i18n/provider';
import { useAuthCall } from '../_lib/use-auth-call';
import { useHydrated } from '../_lib/use-hydrated';
import { encodeClientPassword } from '../_lib/password';
import { ErrorMessage } from './error-message';
import { LanguageSwitcher } from './language-switcher';

export function ResetPasswordForm() {
  const { t } = useI18n();
  const [id, setId] = useState('');
  const [code, setCode] = useState('');
  const [pwd, setPwd] = useState('');
  const [pwd2, setPwd2] = useState('');
  const [problem, setProblem] = useState<'mismatch' | 'short' | null>(null);
  // As on the login form: no native submit (password in a GET URL) before hydration.
  const hydrated = useHydrated();
  const { pending, error, result, submit } = useAuthCall('resetPassword');
  const done = result !== null;

  return (
    <main className="auth-page" id="main">
      <div className="row end">
        <LanguageSwitcher />
      </div>
      <h1>{t('reset.title')}</h1>
      <p className="muted">{t('reset.intro')}</p>
      {done ? (
        <p className="alert" role="status" data-testid="reset-done">
          {t('reset.done')} <Link href="/login">{t('auth.loginLink')}</Link>
        </p>
      ) : (
        <form
          className="card"
          method="post"
          onSubmit={(e) => {
            e.preventDefault();
            if (!longEnoughPassword(pwd)) return setProblem('short');
            if (pwd !== pwd2) return setProblem('mismatch');
            setProblem(null);
            void submit({ id: id.trim(), code: code.trim(), pwd: encodeClientPassword(pwd) });
          }}
        >
          <div className="field">
            <label htmlFor="reset-id">{t('auth.id')}</label>
            <input
              id="reset-id"
              type="text"
              autoComplete="username"
              required
              maxLength={32}
              pattern="[A-Za-z0-9_\-]{1,32}"
              value={id}
              onChange={(e) => setId(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="reset-code">{t('reset.code')}</label>
            <input
              id="reset-code"
              type="text"
              autoComplete="one-time-code"
              required
              maxLength={64}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              spellCheck={false}
            />
          </div>
          <div className="field">
            <label htmlFor="reset-pwd">{t('pwd.new')}</label>
            <input
              id="reset-pwd"
              type="password"
              autoComplete="new-password"
              required
              minLength={CONSOLE_PASSWORD_MIN_CHARS}
              value={pwd}
              onChange={(e) => setPwd(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="reset-pwd2">{t('pwd.newAgain')}</label>
            <input
              id="reset-pwd2"
              type="password"
              autoComplete="new-password"
              required
              value={pwd2}
              onChange={(e) => setPwd2(e.target.value)}
            />
          </div>
          {problem && (
            <p className="alert error" role="alert" data-testid="error-message">
              {problem === 'short' ? t('pwd.tooShort') : t('auth.passwordMismatch')}
            </p>
          )}
          <ErrorMessage error={error} action="reset" />
          <button type="submit" className="primary" disabled={!hydrated || pending} data-testid="reset-submit">
            {t('reset.submit')}
          </button>
        </form>
      )}
      <p>
        <Link href="/login">{t('auth.loginLink')}</Link>
      </p>
    </main>
  );
}
