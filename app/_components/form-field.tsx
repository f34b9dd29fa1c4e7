'use client';
/**
 * The console's form building blocks: a labelled field with an optional hint (the hint's id is `<id>-hint`, for the
 * input's aria-describedby), and the new-password pair every form that sets a password shares (register, reset,
 * change): the same minimum, hint, autocomplete and messages, checked by password-rules.ts newPasswordProblem.
 */
import type { ReactNode } from 'react';
import type { MessageKey } from '@/server/i18n/translate';
import { CONSOLE_PASSWORD_MIN_CHARS, type NewPasswordProblem } from '@/server/services/password-rules';
import { useI18n } from '../_i18n/provider';

/** The id of a field's hint, for its input's aria-describedby. */
export const hintId = (id: string) => `${id}-hint`;

export function Field({
  id,
  label,
  hint,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint !== undefined && (
        <span id={hintId(id)} className="hint">
          {hint}
        </span>
      )}
    </div>
  );
}

interface NewPasswordFieldsProps {
  /** Input ids: the first field's, and the repeat's. */
  ids: readonly [string, string];
  labels: readonly [MessageKey, MessageKey];
  value: string;
  again: string;
  onValue: (v: string) => void;
  onAgain: (v: string) => void;
  /** `name` attributes, where the form has them (the login/register form does, for password managers). */
  names?: readonly [string, string];
}

/**
 * A new password and its repeat, with the minimum as a hint under the first. No `minLength`: the browser counts
 * UTF-16 units, the rule counts characters (8 CJK characters are 8), so the form's own check answers instead.
 */
export function NewPasswordFields({ ids, labels, value, again, onValue, onAgain, names }: NewPasswordFieldsProps) {
  const { t } = useI18n();
  return (
    <>
      <Field id={ids[0]} label={t(labels[0])} hint={t('auth.passwordHint', { min: CONSOLE_PASSWORD_MIN_CHARS })}>
        <input
          id={ids[0]}
          name={names?.[0]}
          type="password"
          autoComplete="new-password"
          required
          value={value}
          onChange={(e) => onValue(e.target.value)}
          aria-describedby={hintId(ids[0])}
        />
      </Field>
      <Field id={ids[1]} label={t(labels[1])}>
        <input
          id={ids[1]}
          name={names?.[1]}
          type="password"
          autoComplete="new-password"
          required
          value={again}
          onChange={(e) => onAgain(e.target.value)}
        />
      </Field>
    </>
  );
}

/** What newPasswordProblem found, as the form's alert (nothing when null). */
export function NewPasswordAlert({ problem }: { problem: NewPasswordProblem | null }) {
  const { t } = useI18n();
  if (!problem) return null;
  return (
    <p className="alert error" role="alert" data-testid="error-message">
      {problem === 'mismatch'
        ? t('auth.passwordMismatch')
        : t('auth.passwordTooShort', { min: CONSOLE_PASSWORD_MIN_CHARS })}
    </p>
  );
}
