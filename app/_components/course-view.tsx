'use client';
/**
 * One course: details, and what its state allows: edit/delete/start before the class, the live roster and end (with
 * a confirmation) during it, the playback review link after. Courseware below.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useI18n } from '../_i18n/provider';
import { useTRPC } from '../_trpc/client';
import { ConfirmButton } from './confirm-dialog';
import { CourseForm } from './course-form';
import { CoursewarePanel } from './courseware-panel';
import { ErrorMessage } from './error-message';
import { InvitePanel } from './invite-panel';
import { RosterPanel } from './roster-panel';
import { StateBadge } from './state-badge';

export function CourseView({ roomnum }: { roomnum: number }) {
  const { t, dateTime } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const course = useQuery(trpc.course.byId.queryOptions({ roomnum }));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.course.pathKey() });
  const start = useMutation(trpc.course.start.mutationOptions({ onSettled: refresh }));
  const end = useMutation(trpc.course.end.mutationOptions({ onSettled: refresh }));
  const del = useMutation(
    trpc.course.delete.mutationOptions({
      onSuccess: () => {
        void refresh();
        router.push('/courses');
      },
    }),
  );

  if (course.error) {
    return (
      <>
        <h1>{t('course.notFoundTitle')}</h1>
        <ErrorMessage error={course.error} />
        <Link href="/courses">{t('course.backToList')}</Link>
      </>
    );
  }
  if (!course.data) return <p aria-live="polite">{t('common.loading')}</p>;
  const c = course.data;

  return (
    <>
      <p>
        <Link href="/courses">← {t('course.backToList')}</Link>
      </p>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        {/* eslint-disable-next-line @next/next/no-img-element -- user content from storage */}
        {c.cover && <img className="cover" src={c.cover} alt={t('course.coverAlt')} />}
        <div>
          <h1 data-testid="course-title">{c.title}</h1>
          <p className="row">
            <StateBadge state={c.state} />
            <span className="muted">#{c.roomnum}</span>
            <span className="muted">{t('course.createdAt', { time: dateTime(c.createdAt) })}</span>
            {c.beginTime > 0 && <span className="muted">{t('course.startedAt', { time: dateTime(c.beginTime) })}</span>}
            {c.endTime > 0 && <span className="muted">{t('course.endedAt', { time: dateTime(c.endTime) })}</span>}
          </p>
        </div>
      </div>
      <ErrorMessage error={start.error ?? end.error ?? del.error} />

      {c.state === 0 && (
        <section className="card" aria-labelledby="prep-h">
          <h2 id="prep-h">{t('course.prepare')}</h2>
          {editing ? (
            <CourseForm existing={c} onDone={() => setEditing(false)} />
          ) : (
            <div className="row">
              <button type="button" className="primary" onClick={() => start.mutate({ roomnum })} disabled={start.isPending} data-testid="start-course">
                {t('course.start')}
              </button>
              <button type="button" onClick={() => setEditing(true)} data-testid="edit-course">
                {t('course.edit')}
              </button>
              <ConfirmButton label={t('course.delete')} title={t('course.deleteTitle')} body={t('course.deleteBody', { title: c.title })} confirmLabel={t('course.delete')} onConfirm={() => del.mutate({ roomnum })} danger testId="delete-course" />
            </div>
          )}
        </section>
      )}

      {c.state === 1 && (
        <section className="card" aria-labelledby="live-h">
          <div className="row" style={{ justifyContent: 'space-between' }}>
            <h2 id="live-h">
              <span className="live-dot" aria-hidden="true" />
              {t('course.liveRoster')}
            </h2>
            <ConfirmButton label={t('course.end')} title={t('course.endTitle')} body={t('course.endBody')} confirmLabel={t('course.end')} onConfirm={() => end.mutate({ roomnum })} disabled={end.isPending} danger testId="end-course" />
          </div>
          <RosterPanel roomnum={roomnum} />
        </section>
      )}

      {c.state >= 2 && (
        <section className="card" aria-labelledby="after-h">
          <h2 id="after-h">{t('course.afterClass')}</h2>
          <Link className="button primary" href={`/courses/${roomnum}/playback`} data-testid="playback-link">
            {t('course.reviewPlayback')}
          </Link>
        </section>
      )}

      <InvitePanel roomnum={roomnum} />

      <section className="card" aria-labelledby="files-h">
        <h2 id="files-h">{t('files.title')}</h2>
        <CoursewarePanel roomnum={roomnum} editable={c.state === 0 || c.state === 1} />
      </section>
    </>
  );
}
