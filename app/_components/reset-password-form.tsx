'use client';
/**
 * "Forgot password": account id + the one-time code printed by `npm run reset-password <id>` + a new password.
 * Does not sign in: on success the user goes to the login page with the new password. Wrong codes count as failed
 * logins on the server (same limiter), so guessing is as slow as guessing passwords.
 */
import Link from 'next/link';
import { useState } from 'react';
import { newPasswordProblem, type NewPasswordProblem } from '@/server/services/password-rules';
import { RESET_CODE_INPUT_MAX, USER_ID_MAX_CHARS, USER_ID_PATTERN } from '@/server/services/input-rules';
import { useI18n } from '../_i18n/provider';
import { useAuthCall } from '../_lib/use-auth-call';
import { useHydrated } from '../_lib/use-hydrated';
import { encodeClientPassword } from '../_lib/password';
import { ErrorMessage } from './error-message';
import { Field, NewPasswordAlert, NewPasswordFields } from './form-field';
import { LanguageSwitcher } from './language-switcher';

export function ResetPasswordForm() {
  const { t } = useI18n();
  const [id, setId] = useState('');
  const [code, setCode] = useState('');
  const [pwd, setPwd] = useState('');
  const [pwd2, setPwd2] = useState('');
  const [problem, setProblem] = useState<NewPasswordProblem | null>(null);
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
            const found = newPasswordProblem(pwd, pwd2);
            setProblem(found);
            if (found) return;
            void submit({ id: id.trim(), code: code.trim(), pwd: encodeClientPassword(pwd) });
          }}
        >
          <Field id="reset-id" label={t('auth.id')}>
            <input
              id="reset-id"
              type="text"
              autoComplete="username"
              required
              maxLength={USER_ID_MAX_CHARS}
              pattern={USER_ID_PATTERN}
              value={id}
              onChange={(e) => setId(e.target.value)}
            />
          </Field>
          <Field id="reset-code" label={t('reset.code')}>
            <input
              id="reset-code"
              type="text"
              autoComplete="one-time-code"
              required
              maxLength={RESET_CODE_INPUT_MAX}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              spellCheck={false}
            />
          </Field>
          <NewPasswordFields
            ids={['reset-pwd', 'reset-pwd2']}
            labels={['pwd.new', 'pwd.newAgain']}
            value={pwd}
            again={pwd2}
            onValue={setPwd}
            onAgain={setPwd2}
          />
          <NewPasswordAlert problem={problem} />
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
