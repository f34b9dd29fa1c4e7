'use client';
/**
 * One course: details, and what its state allows: edit/delete/start before the class, the live roster and end (with
 * a confirmation) during it, the playback review link after. Courseware below. While the class is live the page
 * keeps it alive (use-host-beat.ts); when it ends, the page says why, with a banner if it ended by itself while open.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { MessageKey } from '@/server/i18n/translate';
import { canEdit, canEditFiles, hasEnded, isDraft, isLive } from '@/server/services/course-state';
import { useI18n } from '../_i18n/provider';
import { silenceDuration } from '../_lib/silence';
import { useTRPC } from '../_trpc/client';
import type { CourseEnding } from '../_trpc/types';
import { ConfirmButton } from './confirm-dialog';
import { CourseForm } from './course-form';
import { CoursewarePanel } from './courseware-panel';
import { ErrorMessage } from './error-message';
import { InvitePanel } from './invite-panel';
import { RosterPanel } from './roster-panel';
import { PlannedTime } from './planned-time';
import { StateBadge } from './state-badge';
import { useToast } from './toast';
import { useHostBeat } from './use-host-beat';

/** "ended by the teacher" / "ended: no heartbeat from the teacher for N min". */
function endingText(e: CourseEnding, t: (k: MessageKey, v?: Record<string, string | number>) => string): string {
  if (e.reason === 'teacher') return t('course.endedByTeacher');
  return e.silentS === null
    ? t('course.endedByTimeoutUnknown')
    : t('course.endedByTimeout', { duration: silenceDuration(e.silentS, t) });
}

export function CourseView({ roomnum }: { roomnum: number }) {
  const { t, dateTime } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  // Just ended and no recording yet: look again now and then, so the recording (or its absence) shows up by itself.
  const course = useQuery(
    trpc.course.byId.queryOptions(
      { roomnum },
      { refetchInterval: (q) => (q.state.data?.playback === 'waiting' ? 10_000 : false) },
    ),
  );
  const live = course.data !== undefined && isLive(course.data);
  const ended = course.data !== undefined && hasEnded(course.data);
  const beat = useHostBeat(roomnum, live);
  // Seen live on this page, then ended: the banner is for a class that ended while the teacher was looking.
  const sawLive = useRef(false);
  const [endedWhileOpen, setEndedWhileOpen] = useState(false);
  useEffect(() => {
    if (live) sawLive.current = true;
    else if (ended && sawLive.current) setEndedWhileOpen(true);
  }, [live, ended]);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.course.pathKey() });
  const start = useMutation(
    trpc.course.start.mutationOptions({ onSettled: refresh, onSuccess: () => toast(t('toast.courseStarted')) }),
  );
  const end = useMutation(
    trpc.course.end.mutationOptions({ onSettled: refresh, onSuccess: () => toast(t('toast.courseEnded')) }),
  );
  const del = useMutation(
    trpc.course.delete.mutationOptions({
      onSuccess: () => {
        void refresh();
        toast(t('toast.courseDeleted'));
        router.push('/courses');
      },
      // Refused (e.g. the class started in another window): show the course as it is now; the sentence stays.
      onError: () => void refresh(),
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
            <StateBadge state={c.state} playback={c.playback} />
            <span className="muted">#{c.roomnum}</span>
            {isDraft(c) && <PlannedTime plan={c} className="strong" />}
            <span className="muted">{t('course.createdAt', { time: dateTime(c.createdAt) })}</span>
            {c.beginTime > 0 && <span className="muted">{t('course.startedAt', { time: dateTime(c.beginTime) })}</span>}
            {c.endTime > 0 && <span className="muted">{t('course.endedAt', { time: dateTime(c.endTime) })}</span>}
          </p>
        </div>
      </div>
      <ErrorMessage error={start.error} action="start" />
      <ErrorMessage error={isLive(c) ? beat.error : null} />
      <ErrorMessage error={end.error} action="end" />
      <ErrorMessage error={del.error} action="delete" />
      {endedWhileOpen && c.ending?.reason === 'timeout' && (
        <div className="alert warn" role="alert" data-testid="timeout-banner">
          <strong>{t('course.timeoutBannerTitle')}</strong> {endingText(c.ending, t)}
        </div>
      )}

      {/* Before the class: edit, delete and start all need a course that has not started (canEdit = canStart). */}
      {canEdit(c) && (
        <section className="card" aria-labelledby="prep-h">
          <h2 id="prep-h">{t('course.prepare')}</h2>
          {editing ? (
            <CourseForm existing={c} onDone={() => setEditing(false)} />
          ) : (
            <div className="row">
              {/* A class starts once (an ended class cannot be restarted): ask first. */}
              <ConfirmButton
                label={t('course.start')}
                title={t('course.startTitle')}
                body={t('course.startBody', { title: c.title })}
                confirmLabel={t('course.start')}
                onConfirm={() => start.mutate({ roomnum })}
                disabled={start.isPending}
                primary
                testId="start-course"
              />
              <button type="button" onClick={() => setEditing(true)} data-testid="edit-course">
                {t('course.edit')}
              </button>
              <ConfirmButton
                label={t('course.delete')}
                title={t('course.deleteTitle')}
                body={t('course.deleteBody', { title: c.title })}
                confirmLabel={t('course.delete')}
                onConfirm={() => del.mutate({ roomnum })}
                danger
                testId="delete-course"
              />
            </div>
          )}
        </section>
      )}

      {isLive(c) && (
        <section className="card" aria-labelledby="live-h">
          <div className="row" style={{ justifyContent: 'space-between' }}>
            <h2 id="live-h">
              <span className="live-dot" aria-hidden="true" />
              {t('course.liveRoster')}
            </h2>
            <ConfirmButton
              label={t('course.end')}
              title={t('course.endTitle')}
              body={t('course.endBody')}
              confirmLabel={t('course.end')}
              onConfirm={() => end.mutate({ roomnum })}
              disabled={end.isPending}
              danger
              testId="end-course"
            />
          </div>
          <p className="muted small">{t('course.keepAliveNote')}</p>
          <RosterPanel roomnum={roomnum} />
        </section>
      )}

      {hasEnded(c) && (
        <section className="card" aria-labelledby="after-h">
          <h2 id="after-h">{t('course.afterClass')}</h2>
          {c.ending && (
            <p data-testid="end-reason" data-reason={c.ending.reason}>
              {endingText(c.ending, t)}
            </p>
          )}
          {c.playback === 'none' && (
            <p className="muted" data-testid="no-recording-note">
              {t('course.noRecordingNote')}
            </p>
          )}
          {c.playback === 'waiting' && (
            <p className="muted" data-testid="waiting-recording-note" role="status">
              {t('course.waitingRecordingNote', { time: dateTime(c.recordingDueBy) })}
            </p>
          )}
          <Link className="button primary" href={`/courses/${roomnum}/playback`} data-testid="playback-link">
            {t('course.reviewPlayback')}
          </Link>
        </section>
      )}

      <InvitePanel roomnum={roomnum} />

      <section className="card" aria-labelledby="files-h">
        <h2 id="files-h">{t('files.title')}</h2>
        <CoursewarePanel roomnum={roomnum} editable={canEditFiles(c)} />
      </section>
    </>
  );
}
