'use client';
/** The student's card of one course (see app/class/[roomnum]/page.tsx): what it is and what the student can do now. */
import Link from 'next/link';
import { hasEnded, isDraft, isLive } from '@/server/services/course-state';
import { useI18n } from '../_i18n/provider';
import { PlannedTime } from './planned-time';
import { StateBadge } from './state-badge';

/** The card as the page reads it (server/console/student-course.ts); what this view shows of it. */
export interface ClassCourseCard {
  roomnum: number;
  title: string;
  hostUid: string;
  state: number;
  createdAt: number;
  beginTime: number;
  endTime: number;
  plannedStart: number | null;
  plannedMinutes: number | null;
  /** The caller may open /watch/<roomnum>. */
  canWatch: boolean;
}

export function ClassCourseView({ card }: { card: ClassCourseCard | null }) {
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
        {/* What a student needs of a draft is when it starts; the creation time is the teacher's business. */}
        {isDraft(c) && <PlannedTime plan={c} />}
        {c.beginTime > 0 && <span>{t('classPage.began', { time: dateTime(c.beginTime) })}</span>}
        {c.endTime > 0 && <span>{t('classPage.ended', { time: dateTime(c.endTime) })}</span>}
      </p>
      <section className="card" data-testid="class-next-step">
        {isDraft(c) && <p>{t('classPage.joinDraft', { roomnum: c.roomnum })}</p>}
        {isLive(c) && <p>{t('classPage.joinLive', { roomnum: c.roomnum })}</p>}
        {hasEnded(c) &&
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
