'use client';
/**
 * The attendance matrix (students × the teacher's started courses in a range): a date range form, a legend in words,
 * the table (status as text, colour only as a hint; first column sticky so it stays readable while the table scrolls
 * sideways on a phone) and the CSV download of the same range.
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useI18n } from '../_i18n/provider';
import { dayRangeToUnix, defaultDayRange, unixToDayInput } from '../_lib/date-range';
import { useTRPC } from '../_trpc/client';
import type { AttendanceStatus } from '../_trpc/types';
import { ErrorMessage } from './error-message';

const STATUSES: readonly AttendanceStatus[] = ['present', 'late', 'left_early', 'absent'];

export function StatusLabel({ status }: { status: AttendanceStatus }) {
  const { t } = useI18n();
  return <span className={`att att-${status}`}>{t(`matrix.${status}`)}</span>;
}

export function Legend() {
  const { t } = useI18n();
  return (
    <dl className="att-legend" aria-label={t('matrix.legend')}>
      {STATUSES.map((s) => (
        <div key={s}>
          <dt>
            <StatusLabel status={s} />
          </dt>
          <dd>{t(`matrix.${s}.desc`)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The range form shared by the matrix and a student's history; calls onApply with the unix bounds. */
export function RangeForm({
  from,
  to,
  onApply,
}: {
  from: string;
  to: string;
  onApply: (from: string, to: string) => void;
}) {
  const { t } = useI18n();
  const [f, setF] = useState(from);
  const [tt, setT] = useState(to);
  return (
    <form
      className="row range-form"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(f, tt);
      }}
    >
      <label>
        {t('matrix.from')}{' '}
        <input type="date" value={f} onChange={(e) => setF(e.target.value)} data-testid="range-from" />
      </label>
      <label>
        {t('matrix.to')} <input type="date" value={tt} onChange={(e) => setT(e.target.value)} data-testid="range-to" />
      </label>
      <button type="submit" data-testid="range-apply">
        {t('matrix.apply')}
      </button>
    </form>
  );
}

export function useDayRange() {
  const [range, setRange] = useState(() => defaultDayRange(new Date()));
  return { range, setRange, unix: dayRangeToUnix(range.from, range.to) };
}

export function AttendanceMatrixView() {
  const { t, date, number } = useI18n();
  const trpc = useTRPC();
  const { range, setRange, unix } = useDayRange();
  const m = useQuery(trpc.classList.matrix.queryOptions(unix));
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const csvQuery = new URLSearchParams({ tz: timeZone });
  if (unix.from !== undefined) csvQuery.set('from', String(unix.from));
  if (unix.to !== undefined) csvQuery.set('to', String(unix.to));
  const data = m.data;
  return (
    <section className="card" aria-labelledby="matrix-h">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="matrix-h">{t('matrix.title')}</h2>
        <a
          className="button"
          href={`/api/attendance/matrix.csv?${csvQuery.toString()}`}
          download
          data-testid="matrix-csv"
        >
          {t('matrix.download')}
        </a>
      </div>
      <RangeForm
        key={`${range.from}/${range.to}`}
        from={range.from}
        to={range.to}
        onApply={(from, to) => setRange({ from, to })}
      />
      {data?.swapped && (
        <p className="alert info" role="status" data-testid="range-swapped">
          {t('matrix.swapped')} ({unixToDayInput(data.from)} – {unixToDayInput(data.to)})
        </p>
      )}
      <Legend />
      <ErrorMessage error={m.error} />
      {!data && !m.error && <p aria-live="polite">{t('common.loading')}</p>}
      {data && data.truncated && <p className="muted">{t('matrix.truncated', { n: data.courses.length })}</p>}
      {data && data.rows.length === 0 && data.courses.length === 0 && <p className="muted">{t('matrix.empty')}</p>}
      {data && (data.rows.length > 0 || data.courses.length > 0) && (
        <div className="table-wrap matrix-wrap" tabIndex={0} role="region" aria-label={t('matrix.tableLabel')}>
          <table className="matrix" data-testid="attendance-matrix">
            <thead>
              <tr>
                <th scope="col">{t('classList.student')}</th>
                {data.courses.map((c) => (
                  <th scope="col" key={c.roomnum}>
                    <Link href={`/courses/${c.roomnum}`}>{c.title}</Link>
                    <br />
                    <span className="small">{date(c.beginTime)}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r) => (
                <tr key={r.uid} data-testid={`matrix-row-${r.uid}`}>
                  <th scope="row">
                    <Link href={`/students/${encodeURIComponent(r.uid)}`}>{r.uid}</Link>
                    {!r.listed && <span className="muted small"> {t('classList.notListed')}</span>}
                  </th>
                  {r.cells.map((cell, i) => (
                    <td key={data.courses[i]!.roomnum} data-status={cell.status}>
                      <StatusLabel status={cell.status} />
                      {cell.secondsPresent > 0 && (
                        <span className="muted small"> {number(Math.round(cell.secondsPresent / 60))}′</span>
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
