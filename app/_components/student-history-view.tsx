'use client';
/** One student's attendance across the teacher's courses in a range: date, course, status (in words), minutes present. */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useI18n } from '../_i18n/provider';
import { useTRPC } from '../_trpc/client';
import { Legend, RangeForm, StatusLabel, useDayRange } from './attendance-matrix';
import { ErrorMessage } from './error-message';
import { ScrollTable } from './scroll-table';

export function StudentHistoryView({ uid }: { uid: string }) {
  const { t, dateTime, number } = useI18n();
  const trpc = useTRPC();
  const { range, setRange, unix } = useDayRange();
  const h = useQuery(trpc.classList.student.queryOptions({ uid, ...unix }, { retry: false }));
  const notFound = h.error?.data?.code === 'NOT_FOUND';
  return (
    <>
      <p>
        <Link href="/students">← {t('history.back')}</Link>
      </p>
      <h1>{t('history.title', { uid })}</h1>
      <RangeForm
        key={`${range.from}/${range.to}`}
        from={range.from}
        to={range.to}
        onApply={(from, to) => setRange({ from, to })}
      />
      {h.data?.swapped && <p className="alert info">{t('matrix.swapped')}</p>}
      <Legend />
      {notFound ? <p className="alert info">{t('history.notFound')}</p> : <ErrorMessage error={h.error} />}
      {!h.data && !h.error && <p aria-live="polite">{t('common.loading')}</p>}
      {h.data && h.data.items.length === 0 && <p className="muted">{t('history.none')}</p>}
      {h.data && h.data.items.length > 0 && (
        <ScrollTable
          label={t('history.title', { uid })}
          testId="student-history"
          columns={[t('history.date'), t('history.course'), t('history.status'), t('history.minutes')]}
        >
          {h.data.items.map((it) => (
            <tr key={it.roomnum}>
              <td>{dateTime(it.beginTime)}</td>
              <td>
                <Link href={`/courses/${it.roomnum}`}>{it.title}</Link>
              </td>
              <td data-status={it.status}>
                <StatusLabel status={it.status} />
              </td>
              <td>{number(Math.round((it.secondsPresent / 60) * 10) / 10)}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </>
  );
}
