'use client';
/**
 * Create a course, or edit one that has not started: title (with a character counter whose limit comes from the
 * server's schema, course.limits), an optional planned start and length (entered and shown in the browser's local
 * time zone, sent as unix seconds) and an optional cover image (uploaded like courseware). The server's validation
 * messages are shown beside the field they concern; a short toast confirms the save.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import type { MessageKey } from '@/server/i18n/translate';
import { PLANNED_MINUTES } from '@/server/services/input-rules';
import { useI18n } from '../_i18n/provider';
import { fromLocalInput, toLocalInput } from '../_lib/format';
import { useTRPC } from '../_trpc/client';
import { ErrorMessage, fieldErrorsOf } from './error-message';
import { useToast } from './toast';
import { Uploader, type FinishedUpload } from './uploader';

/** The form's fields by the names the server's schema uses (the keys of zod's fieldErrors). */
const FIELD_LABELS: Record<string, MessageKey> = {
  title: 'field.title',
  cover: 'field.cover',
  plannedStart: 'field.plannedStart',
  plannedMinutes: 'field.plannedMinutes',
};

export function CourseForm(props: {
  existing?: {
    roomnum: number;
    title: string;
    cover: string;
    plannedStart: number | null;
    plannedMinutes: number | null;
  };
  onDone?: () => void;
}) {
  const { t, number } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const counterId = useId();
  const titleErrorId = useId();
  const limits = useQuery({ ...trpc.course.limits.queryOptions(), staleTime: Infinity });
  const [title, setTitle] = useState(props.existing?.title ?? '');
  const [cover, setCover] = useState<FinishedUpload | null>(null);
  const [removeCover, setRemoveCover] = useState(false);
  const [planned, setPlanned] = useState(props.existing?.plannedStart ? toLocalInput(props.existing.plannedStart) : '');
  const [minutes, setMinutes] = useState(props.existing?.plannedMinutes ? String(props.existing.plannedMinutes) : '');
  const create = useMutation(
    trpc.course.create.mutationOptions({
      onSuccess: (r) => {
        void qc.invalidateQueries({ queryKey: trpc.course.pathKey() });
        toast(t('toast.courseCreated'));
        router.push(`/courses/${r.roomnum}`);
      },
    }),
  );
  const update = useMutation(
    trpc.course.update.mutationOptions({
      onSuccess: () => {
        void qc.invalidateQueries({ queryKey: trpc.course.pathKey() });
        toast(t('toast.courseSaved'));
        props.onDone?.();
      },
    }),
  );
  const m = props.existing ? update : create;
  const coverInput = cover ? { key: cover.key, fileName: cover.fileName, mime: cover.mime } : undefined;
  const shownCover = cover?.url ?? (removeCover ? '' : (props.existing?.cover ?? ''));
  const fieldErrors = fieldErrorsOf(m.error);
  const fieldText = (field: string) =>
    fieldErrors[field]
      ? t('validation.field', { field: t(FIELD_LABELS[field] ?? 'field.input'), message: fieldErrors[field] })
      : '';
  // Characters as the server counts them (code points), so the counter agrees with its limit.
  const used = [...title.trim()].length;
  const max = limits.data?.titleMax;
  const otherErrors = Object.keys(fieldErrors).some((f) => !FIELD_LABELS[f]);

  return (
    <form
      className="stack"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const plannedStart = fromLocalInput(planned);
        const plannedMinutes = minutes.trim() ? Number(minutes) : undefined;
        if (props.existing) {
          const plan = { plannedStart: plannedStart ?? null, plannedMinutes: plannedMinutes ?? null };
          update.mutate({
            roomnum: props.existing.roomnum,
            title: title.trim(),
            cover: coverInput,
            removeCover: removeCover && !cover,
            ...plan,
          });
        } else create.mutate({ title: title.trim(), cover: coverInput, plannedStart, plannedMinutes });
      }}
    >
      <div className="field">
        <label htmlFor="course-title">{t('course.titleLabel')}</label>
        <input
          id="course-title"
          type="text"
          required
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={fieldErrors.title || (max !== undefined && used > max) ? true : undefined}
          aria-describedby={`${counterId}${fieldErrors.title ? ` ${titleErrorId}` : ''}`}
          data-testid="course-title-input"
        />
        <span
          id={counterId}
          className={`small counter${max !== undefined && used > max ? ' over' : ''}`}
          data-testid="title-counter"
        >
          {max !== undefined ? t('course.titleCounter', { used: number(used), max: number(max) }) : ''}
        </span>
        {fieldErrors.title && (
          <p id={titleErrorId} className="field-error" data-testid="field-error-title">
            {fieldText('title')}
          </p>
        )}
      </div>
      <div className="row plan-fields">
        <div className="field">
          <label htmlFor="course-planned">{t('course.plannedStart')}</label>
          <input
            id="course-planned"
            type="datetime-local"
            value={planned}
            onChange={(e) => setPlanned(e.target.value)}
            aria-describedby="course-planned-hint"
            aria-invalid={fieldErrors.plannedStart ? true : undefined}
            data-testid="course-planned-input"
          />
          <span id="course-planned-hint" className="hint">
            {t('course.planHint')}
          </span>
          {fieldErrors.plannedStart && (
            <p className="field-error" role="alert" data-testid="field-error-plannedStart">
              {fieldText('plannedStart')}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="course-minutes">{t('course.plannedMinutes')}</label>
          <input
            id="course-minutes"
            type="number"
            inputMode="numeric"
            min={PLANNED_MINUTES.MIN}
            max={PLANNED_MINUTES.MAX}
            step={5}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            aria-invalid={fieldErrors.plannedMinutes ? true : undefined}
            data-testid="course-minutes-input"
          />
          {fieldErrors.plannedMinutes && (
            <p className="field-error" role="alert" data-testid="field-error-plannedMinutes">
              {fieldText('plannedMinutes')}
            </p>
          )}
        </div>
      </div>
      <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
        <legend style={{ fontWeight: 500 }}>{t('course.coverLabel')}</legend>
        {shownCover ? (
          <div className="row">
            {/* eslint-disable-next-line @next/next/no-img-element -- user content from storage */}
            <img className="cover" src={shownCover} alt={t('course.coverAlt')} />
            <button
              type="button"
              onClick={() => {
                setCover(null);
                setRemoveCover(true);
              }}
            >
              {t('course.removeCover')}
            </button>
          </div>
        ) : (
          <Uploader
            purpose="cover"
            roomnum={0}
            onUploaded={async (u) => {
              setCover(u);
              setRemoveCover(false);
            }}
          />
        )}
        {fieldErrors.cover && (
          <p className="field-error" role="alert">
            {fieldText('cover')}
          </p>
        )}
      </fieldset>
      {/* Field messages sit beside their fields (announced as an alert here once); anything else is a general error. */}
      {fieldErrors.title && !otherErrors ? (
        <p className="visually-hidden" role="alert">
          {fieldText('title')}
        </p>
      ) : (
        !fieldErrors.cover &&
        !fieldErrors.plannedStart &&
        !fieldErrors.plannedMinutes && <ErrorMessage error={m.error} action="edit" />
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={m.isPending} data-testid="course-save">
          {props.existing ? t('common.save') : t('course.create')}
        </button>
        {props.onDone && (
          <button type="button" onClick={props.onDone}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
