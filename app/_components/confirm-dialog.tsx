'use client';
/** A button that asks first, in a native modal <dialog> (focus is trapped and Escape cancels, by the browser). */
import { useId, useRef } from 'react';
import { useT } from '../_i18n/provider';

export function ConfirmButton(props: {
  label: string;
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  danger?: boolean;
  /** The opening button is the page's main action (styled primary). */
  primary?: boolean;
  /** For a toggle (publish): the opening button's aria-pressed. */
  pressed?: boolean;
  disabled?: boolean;
  testId?: string;
}) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  return (
    <>
      <button
        type="button"
        className={props.danger ? 'danger' : props.primary ? 'primary' : undefined}
        aria-pressed={props.pressed}
        disabled={props.disabled}
        onClick={() => ref.current?.showModal()}
        data-testid={props.testId}
      >
        {props.label}
      </button>
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        data-testid={props.testId ? `${props.testId}-dialog` : undefined}
      >
        <h2 id={titleId}>{props.title}</h2>
        <p id={bodyId}>{props.body}</p>
        <div className="row end">
          <button type="button" onClick={() => ref.current?.close()} autoFocus>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className={props.danger ? 'danger' : 'primary'}
            data-testid={props.testId ? `${props.testId}-confirm` : undefined}
            onClick={() => {
              ref.current?.close();
              props.onConfirm();
            }}
          >
            {props.confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
