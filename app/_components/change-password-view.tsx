'use client';
/**
 * Change password (signed in): current + new twice. Passwords leave the browser base64-encoded like the mobile
 * clients send them; the 8-character minimum is checked here for a quick answer and again by the server on the
 * decoded text. The server keeps this session and signs every other session and app token out.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { newPasswordProblem, type NewPasswordProblem } from '@/server/services/password-rules';
import { useI18n } from '../_i18n/provider';
import { encodeClientPassword } from '../_lib/password';
import { useTRPC } from '../_trpc/client';
import { ErrorMessage } from './error-message';
import { Field, NewPasswordAlert, NewPasswordFields } from './form-field';

export function ChangePasswordView() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<NewPasswordProblem | null>(null);
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
          const found = newPasswordProblem(next, again);
          setProblem(found);
          if (found) return;
          change.mutate({ current: encodeClientPassword(current), next: encodeClientPassword(next) });
        }}
      >
        <Field id="pwd-current" label={t('pwd.current')}>
          <input
            id="pwd-current"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </Field>
        <NewPasswordFields
          ids={['pwd-new', 'pwd-again']}
          labels={['pwd.new', 'pwd.newAgain']}
          value={next}
          again={again}
          onValue={setNext}
          onAgain={setAgain}
        />
        <NewPasswordAlert problem={problem} />
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
