'use client';
/**
 * Login and registration form. The password is base64-encoded (UTF-8) before it leaves the browser, exactly as the
 * mobile clients do. After login a teacher lands on the console home, a student on the student page.
 */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { USER_ID_MAX_CHARS, USER_ID_PATTERN } from '@/server/services/input-rules';
import { useI18n } from '../_i18n/provider';
import { useHydrated } from '../_lib/use-hydrated';
import { isTeacher } from '@/server/services/course-state';
import { newPasswordProblem, type NewPasswordProblem } from '@/server/services/password-rules';
import { useAuthCall } from '../_lib/use-auth-call';
import { encodeClientPassword } from '../_lib/password';
import { ErrorMessage } from './error-message';
import { Field, hintId, NewPasswordAlert, NewPasswordFields } from './form-field';
import { LanguageSwitcher } from './language-switcher';

/** `next`: an already validated same-site path (safeNextPath) to go to after login instead of the home page. */
export function AuthForm({ mode, next }: { mode: 'login' | 'register'; next?: string }) {
  const { t } = useI18n();
  const router = useRouter();
  const [id, setId] = useState('');
  const [pwd, setPwd] = useState('');
  const [pwd2, setPwd2] = useState('');
  const [problem, setProblem] = useState<NewPasswordProblem | null>(null);
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
          const found = mode === 'register' ? newPasswordProblem(pwd, pwd2) : null;
          setProblem(found);
          if (found) return;
          void submit({ id: id.trim(), pwd: encodeClientPassword(pwd) });
        }}
      >
        <Field id="auth-id" label={t('auth.id')} hint={t('auth.idHint')}>
          <input
            id="auth-id"
            name="id"
            type="text"
            autoComplete="username"
            required
            maxLength={USER_ID_MAX_CHARS}
            pattern={USER_ID_PATTERN}
            value={id}
            onChange={(e) => setId(e.target.value)}
            aria-describedby={hintId('auth-id')}
          />
        </Field>
        {mode === 'register' ? (
          <NewPasswordFields
            ids={['auth-pwd', 'auth-pwd2']}
            labels={['auth.password', 'auth.passwordAgain']}
            names={['password', 'password2']}
            value={pwd}
            again={pwd2}
            onValue={setPwd}
            onAgain={setPwd2}
          />
        ) : (
          <Field id="auth-pwd" label={t('auth.password')}>
            <input
              id="auth-pwd"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={pwd}
              onChange={(e) => setPwd(e.target.value)}
            />
          </Field>
        )}
        <NewPasswordAlert problem={problem} />
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
