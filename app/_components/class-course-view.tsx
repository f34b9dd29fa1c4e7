'use client';
/** The student's card of one course (see app/class/[roomnum]/page.tsx): what it is and what the student can do now. */
import Link from 'next/link';
import type { StudentCourseCard } from '@/server/console/student-course';
import { useI18n } from '../_i18n/provider';
import { StateBadge } from './state-badge';

export function ClassCourseView({ card }: { card: StudentCourseCard | null }) {
  const { t, dateTime } = useI18n();
  if (!card) {
    return (
      <>
        <h1>{t('course.notFoundTitle')}</h1>
        <p className="alert error">{t('classPage.notFound')}</p>
        <Link href="/student">{t('classPage.back')}</Link>
      </>
    );
  }
  const c = card;
  return (
    <>
      <h1 data-testid="class-title">{c.title}</h1>
      <p className="row">
        <StateBadge state={c.state} />
        <span>{t('classPage.teacher', { uid: c.hostUid })}</span>
        <strong data-testid="class-room">{t('classPage.room', { roomnum: c.roomnum })}</strong>
      </p>
      <p className="row muted">
        <span>{t('classPage.created', { time: dateTime(c.createdAt) })}</span>
        {c.beginTime > 0 && <span>{t('classPage.began', { time: dateTime(c.beginTime) })}</span>}
        {c.endTime > 0 && <span>{t('classPage.ended', { time: dateTime(c.endTime) })}</span>}
      </p>
      <section className="card" data-testid="class-next-step">
        {c.state === 0 && <p>{t('classPage.joinDraft', { roomnum: c.roomnum })}</p>}
        {c.state === 1 && <p>{t('classPage.joinLive', { roomnum: c.roomnum })}</p>}
        {c.state >= 2 &&
          (c.canWatch ? (
            <Link className="button primary" href={`/watch/${c.roomnum}`}>
              {t('classPage.watch')}
            </Link>
          ) : (
            <p>{t('classPage.noReplay')}</p>
          ))}
      </section>
      <p>
        <Link href="/student">{t('classPage.back')}</Link>
      </p>
    </>
  );
}
