'use client';
/**
 * A student's home: the note that the console is for teachers, and the replays shared with them as cards (title,
 * teacher, date, duration) linking to the watch page. Data: playback.shared (services/playback-access.ts).
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useI18n } from '../_i18n/provider';
import { formatDuration } from '../_lib/format';
import { useTRPC } from '../_trpc/client';
import { ErrorMessage } from './error-message';

export function StudentView() {
  const { t, dateTime } = useI18n();
  const trpc = useTRPC();
  const list = useQuery(trpc.playback.shared.queryOptions());
  return (
    <>
      <h1>{t('student.title')}</h1>
      <p className="alert info" data-testid="student-notice">
        {t('student.notice')}
      </p>
      <section aria-labelledby="stu-h">
        <h2 id="stu-h">{t('student.playbacks')}</h2>
        <ErrorMessage error={list.error} />
        {list.isPending && <p aria-live="polite">{t('common.loading')}</p>}
        {list.data && list.data.length === 0 && <p className="muted card">{t('student.none')}</p>}
        {list.data && list.data.length > 0 && (
          <ul className="course-cards" data-testid="replay-cards">
            {list.data.map((c) => (
              <li key={c.roomnum} className="card course-card" data-testid="replay-card">
                <h3>
                  <Link href={`/watch/${c.roomnum}`}>{c.title}</Link>
                </h3>
                <dl>
                  <div>
                    <dt>{t('student.teacher')}</dt>
                    <dd data-testid="replay-teacher">{c.hostUid}</dd>
                  </div>
                  <div>
                    <dt>{t('student.date')}</dt>
                    <dd className="nowrap">{dateTime(c.beginTime)}</dd>
                  </div>
                  <div>
                    <dt>{t('student.duration')}</dt>
                    <dd className="nowrap" data-testid="replay-duration">
                      {formatDuration(Math.max(0, c.endTime - c.beginTime))}
                    </dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
