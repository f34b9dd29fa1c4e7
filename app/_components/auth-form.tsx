'use client';
/**
 * Login and registration form. The password is base64-encoded (UTF-8) before it leaves the browser, exactly as the
 * mobile clients do. After login a teacher lands on the console home, a student on the student page.
 */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useI18n } from '../_i18n/provider';
import { useHydrated } from '../_lib/use-hydrated';
import { isTeacher } from '@/server/services/course-state';
import { CONSOLE_PASSWORD_MIN_CHARS, longEnoughPassword } from '@/server/services/password-rules';
import { useAuthCall } from '../_lib/use-auth-call';
import { encodeClientPassword } from '../_lib/password';
import { ErrorMessage } from './error-message';
import { LanguageSwitcher } from './language-switcher';

/** `next`: an already validated same-site path (safeNextPath) to go to after login instead of the home page. */
export function AuthForm({ mode, next }: { mode: 'login' | 'register'; next?: string }) {
  const { t } = useI18n();
  const router = useRouter();
  const [id, setId] = useState('');
  const [pwd, setPwd] = useState('');
  const [pwd2, setPwd2] = useState('');
  const [problem, setProblem] = useState<'mismatch' | 'tooShort' | null>(null);
  // Until React has hydrated, a submit would be a native GET with the password in the URL: keep the button off.
  const hydrated = useHydrated();
  const onDone = (r: { role: number }) => {
    router.replace(next ?? (isTeacher(r) ? '/' : '/student'));
    router.refresh();
  };
  const { pending, error, submit } = useAuthCall(mode, onDone);

  return (
    <main className="auth-page" id="main">
      <div className="row end">
        <LanguageSwitcher />
      </div>
      <h1>{mode === 'login' ? t('auth.loginTitle') : t('auth.registerTitle')}</h1>
      <p className="muted">{mode === 'login' ? t('auth.loginIntro') : t('auth.registerIntro')}</p>
      <form
        className="card"
        method="post"
        onSubmit={(e) => {
          e.preventDefault();
          // The server checks the same rule (password-rules.ts); checking here first spares a round trip.
          const found =
            mode !== 'register' ? null : !longEnoughPassword(pwd) ? 'tooShort' : pwd !== pwd2 ? 'mismatch' : null;
          setProblem(found);
          if (found) return;
          void submit({ id: id.trim(), pwd: encodeClientPassword(pwd) });
        }}
      >
        <div className="field">
          <label htmlFor="auth-id">{t('auth.id')}</label>
          <input
            id="auth-id"
            name="id"
            type="text"
            autoComplete="username"
            required
            maxLength={32}
            pattern="[A-Za-z0-9_\-]{1,32}"
            value={id}
            onChange={(e) => setId(e.target.value)}
            aria-describedby="auth-id-hint"
          />
          <span id="auth-id-hint" className="hint">
            {t('auth.idHint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor="auth-pwd">{t('auth.password')}</label>
          <input
            id="auth-pwd"
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            value={pwd}
            onChange={(e) => setPwd(e.target.value)}
            aria-describedby={mode === 'register' ? 'auth-pwd-hint' : undefined}
          />
          {mode === 'register' && (
            <span id="auth-pwd-hint" className="hint">
              {t('auth.passwordHint', { min: CONSOLE_PASSWORD_MIN_CHARS })}
            </span>
          )}
        </div>
        {mode === 'register' && (
          <div className="field">
            <label htmlFor="auth-pwd2">{t('auth.passwordAgain')}</label>
            <input
              id="auth-pwd2"
              name="password2"
              type="password"
              autoComplete="new-password"
              required
              value={pwd2}
              onChange={(e) => setPwd2(e.target.value)}
            />
          </div>
        )}
        {problem && (
          <p className="alert error" role="alert" data-testid="error-message">
            {problem === 'mismatch'
              ? t('auth.passwordMismatch')
              : t('auth.passwordTooShort', { min: CONSOLE_PASSWORD_MIN_CHARS })}
          </p>
        )}
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={!hydrated || pending} data-testid="auth-submit">
          {mode === 'login' ? t('auth.login') : t('auth.register')}
        </button>
      </form>
      {mode === 'login' && (
        <p>
          <Link href="/reset-password" data-testid="forgot-password">
            {t('reset.link')}
          </Link>
        </p>
      )}
      <p>
        {mode === 'login' ? (
          <>
            {t('auth.noAccount')} <Link href="/register">{t('auth.registerLink')}</Link>
          </>
        ) : (
          <>
            {t('auth.haveAccount')} <Link href="/login">{t('auth.loginLink')}</Link>
          </>
        )}
      </p>
    </main>
  );
}
