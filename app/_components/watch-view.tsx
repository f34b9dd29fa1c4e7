'use client';
/** A shared replay for a student who attended (or its teacher): the player, and a way back to where they came from. */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useI18n } from '../_i18n/provider';
import { useTRPC } from '../_trpc/client';
import { ErrorMessage } from './error-message';
import { PlaybackPlayer } from './playback-player';

export function WatchView({ roomnum }: { roomnum: number }) {
  const { t, dateTime } = useI18n();
  const trpc = useTRPC();
  const view = useQuery(trpc.playback.view.queryOptions({ roomnum }));
  if (view.error) {
    return (
      <>
        <h1>{t('playback.title')}</h1>
        <ErrorMessage error={view.error} />
        <Link href="/student">{t('student.back')}</Link>
      </>
    );
  }
  if (!view.data) return <p aria-live="polite">{t('common.loading')}</p>;
  const c = view.data.course;
  // The course's teacher came from the review page; a student from their list of replays.
  const back = view.data.isTeacher
    ? { href: `/courses/${c.roomnum}/playback`, label: t('playback.backToReview') }
    : { href: '/student', label: t('student.back') };
  return (
    <>
      <nav aria-label={t('nav.breadcrumb')}>
        <p>
          <Link href={back.href} data-testid="watch-back">
            ← {back.label}
          </Link>
        </p>
      </nav>
      <h1>{t('playback.titleOf', { title: c.title })}</h1>
      <p className="muted">{t('student.by', { teacher: c.hostUid, time: dateTime(c.beginTime) })}</p>
      <section className="card" aria-labelledby="watch-player-h">
        {/* The player's "Timeline" is an h3: keep the outline h1 → h2 → h3, as on the teacher's review page. */}
        <h2 id="watch-player-h" className="visually-hidden">
          {t('playback.player')}
        </h2>
        <PlaybackPlayer segments={view.data.segments} timeline={view.data.timeline} beginTime={c.beginTime} />
      </section>
    </>
  );
}
