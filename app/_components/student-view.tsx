'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useI18n } from '../_i18n/provider';
import { useTRPC } from '../_trpc/client';
import { ErrorMessage } from './error-message';

export function StudentView() {
  const { t, dateTime } = useI18n();
  const trpc = useTRPC();
  const list = useQuery(trpc.playback.attended.queryOptions());
  return (
    <>
      <h1>{t('student.title')}</h1>
      <p className="alert info" data-testid="student-notice">
        {t('student.notice')}
      </p>
      <section className="card" aria-labelledby="stu-h">
        <h2 id="stu-h">{t('student.playbacks')}</h2>
        <ErrorMessage error={list.error} />
        {list.data && list.data.length === 0 && <p className="muted">{t('student.none')}</p>}
        {list.data && list.data.length > 0 && (
          <ul>
            {list.data.map((c) => (
              <li key={c.roomnum}>
                <Link href={`/watch/${c.roomnum}`}>{c.title}</Link> <span className="muted small">{t('student.by', { teacher: c.hostUid, time: dateTime(c.beginTime) })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
