'use client';
/**
 * Teacher's playback review of an ended course: the player and timeline, the playback index status (with retry when
 * it failed or is stuck), attendance with a CSV download, and the sharing card (publish-panel.tsx).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { isTeacher } from '@/server/services/course-state';
import { useI18n } from '../_i18n/provider';
import { formatDuration } from '../_lib/format';
import { useTRPC } from '../_trpc/client';
import { ErrorMessage } from './error-message';
import { PlaybackPlayer } from './playback-player';
import { PublishPanel } from './publish-panel';
import { RecordingsPanel } from './recordings-panel';
import { StateBadge } from './state-badge';
import { ScrollTable } from './scroll-table';

export function PlaybackReview({ roomnum }: { roomnum: number }) {
  const { t, dateTime, time } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  // A recording still on its way appears in the player by itself.
  const view = useQuery(
    trpc.playback.view.queryOptions(
      { roomnum },
      { refetchInterval: (q) => (q.state.data?.playback === 'waiting' ? 10_000 : false) },
    ),
  );
  // While the index is being built, look again now and then so "ready" shows up by itself.
  const review = useQuery(
    trpc.playback.review.queryOptions(
      { roomnum },
      {
        refetchInterval: (q) =>
          q.state.data?.index.status === 'pending' || q.state.data?.playback === 'waiting' ? 10_000 : false,
      },
    ),
  );
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.playback.pathKey() });
  const retry = useMutation(trpc.playback.retryIndex.mutationOptions({ onSettled: refresh }));

  if (view.error) {
    return (
      <>
        <h1>{t('playback.title')}</h1>
        <ErrorMessage error={view.error} />
        <Link href={`/courses/${roomnum}`}>{t('playback.backToCourse')}</Link>
      </>
    );
  }
  if (!view.data) return <p aria-live="polite">{t('common.loading')}</p>;
  const c = view.data.course;
  const idx = review.data?.index;
  // Without a recording there is no replay, whatever the index job did with the empty timeline: the index card says
  // so instead of "Ready" beside the badge's "Ended, no recording".
  const noRecording = review.data?.playback === 'none' || review.data?.playback === 'waiting';
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <>
      <p>
        <Link href={`/courses/${roomnum}`}>← {t('playback.backToCourse')}</Link>
      </p>
      <h1>{t('playback.titleOf', { title: c.title })}</h1>
      <p className="row">
        <StateBadge state={c.state} playback={view.data.playback} />
        <span className="muted">
          {t('playback.span', {
            begin: dateTime(c.beginTime),
            end: time(c.endTime),
            duration: formatDuration(c.endTime - c.beginTime),
          })}
        </span>
      </p>
      <ErrorMessage error={review.error ?? retry.error} />

      <section className="card" aria-labelledby="player-h">
        <h2 id="player-h" className="visually-hidden">
          {t('playback.player')}
        </h2>
        <PlaybackPlayer segments={view.data.segments} timeline={view.data.timeline} beginTime={c.beginTime} />
      </section>

      {view.data.isTeacher && (
        <RecordingsPanel roomnum={roomnum} segments={view.data.segments} published={review.data?.published ?? false} />
      )}

      {review.data && idx && (
        <div className="grid">
          <section className="card" aria-labelledby="index-h">
            <h2 id="index-h">{t('playback.index')}</h2>
            <p className="row">
              <span
                className={`badge ${noRecording ? 'none' : idx.status}`}
                data-testid="index-status"
                data-status={noRecording ? 'no-recording' : idx.status}
              >
                {t(
                  noRecording
                    ? 'index.noRecording'
                    : idx.status === 'ready'
                      ? 'index.ready'
                      : idx.status === 'failed'
                        ? 'index.failed'
                        : idx.status === 'pending'
                          ? 'index.pending'
                          : 'index.none',
                )}
              </span>
              {idx.status === 'pending' && (
                <span className="muted small">{t('index.dueAt', { time: dateTime(idx.dueAt) })}</span>
              )}
            </p>
            {idx.error && <p className="small muted">{t('index.lastError', { error: idx.error })}</p>}
            {!noRecording && (idx.status === 'failed' || idx.status === 'pending') && (
              <button
                type="button"
                onClick={() => retry.mutate({ roomnum })}
                disabled={retry.isPending}
                data-testid="retry-index"
              >
                {idx.status === 'failed' ? t('index.retry') : t('index.buildNow')}
              </button>
            )}
            {!noRecording && idx.status === 'ready' && idx.url && (
              <p className="small">
                <a href={idx.url} target="_blank" rel="noopener noreferrer">
                  {t('index.open')}
                </a>
              </p>
            )}
          </section>
          <PublishPanel roomnum={roomnum} review={review.data} />
        </div>
      )}

      {review.data && (
        <section className="card" aria-labelledby="att-h">
          <div className="row" style={{ justifyContent: 'space-between' }}>
            <h2 id="att-h">{t('attendance.title', { n: review.data.attendance.length })}</h2>
            <a
              className="button"
              href={`/api/courses/${roomnum}/attendance.csv?tz=${encodeURIComponent(timeZone)}`}
              download
              data-testid="attendance-csv"
            >
              {t('attendance.download')}
            </a>
          </div>
          <ScrollTable
            label={t('attendance.tableLabel')}
            testId="attendance-table"
            columns={[
              t('attendance.member'),
              t('roster.role'),
              t('attendance.firstJoin'),
              t('attendance.lastLeave'),
              t('attendance.minutes'),
            ]}
          >
            {review.data.attendance.map((a) => (
              <tr key={a.uid} data-testid="attendance-row">
                <td>{a.uid}</td>
                <td>{isTeacher(a) ? t('role.teacher') : t('role.student')}</td>
                <td>{time(a.firstJoin)}</td>
                <td>{a.lastLeave ? time(a.lastLeave) : '—'}</td>
                <td>{(a.secondsPresent / 60).toFixed(1)}</td>
              </tr>
            ))}
          </ScrollTable>
        </section>
      )}
    </>
  );
}
