'use client';
/**
 * The week calendar: seven day columns (Monday first, the browser's local time zone), each course placed by its
 * planned start (drafts) or its begin time (started/ended), previous/next week, today highlighted. Each day is a
 * section with its own heading and a list, so screen readers can jump day by day; below 900 px the days stack.
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { hasEnded } from '@/server/services/course-state';
import { useI18n } from '../_i18n/provider';
import { useTRPC } from '../_trpc/client';
import { ErrorMessage } from './error-message';
import { StateBadge } from './state-badge';

/** Local midnight of the Monday of the week containing `d`. */
function mondayOf(d: Date): Date {
  const m = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  m.setDate(m.getDate() - ((m.getDay() + 6) % 7));
  return m;
}

function addDays(d: Date, n: number): Date {
  const r = new Date(d);
  r.setDate(r.getDate() + n);
  return r;
}

const sameDay = (a: Date, b: Date) =>
  a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

export function CalendarView() {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const [week, setWeek] = useState(() => mondayOf(new Date()));
  // Day boundaries come from local dates (not +86400 s), so a daylight-saving change still gives 7 whole days.
  const days = useMemo(() => Array.from({ length: 8 }, (_, i) => addDays(week, i)), [week]);
  const from = Math.floor(days[0]!.getTime() / 1000);
  const to = Math.floor(days[7]!.getTime() / 1000);
  const q = useQuery(trpc.course.calendar.queryOptions({ from, to }));
  const dayFmt = new Intl.DateTimeFormat(locale, { weekday: 'long', month: 'short', day: 'numeric' });
  const rangeFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const timeFmt = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const today = new Date();

  return (
    <>
      <h1>{t('cal.title')}</h1>
      <nav className="row cal-nav" aria-label={t('cal.title')}>
        <button type="button" onClick={() => setWeek((w) => addDays(w, -7))} data-testid="cal-prev">
          {t('cal.prev')}
        </button>
        <button type="button" onClick={() => setWeek(mondayOf(new Date()))}>
          {t('cal.thisWeek')}
        </button>
        <button type="button" onClick={() => setWeek((w) => addDays(w, 7))} data-testid="cal-next">
          {t('cal.next')}
        </button>
        <span aria-live="polite" data-testid="cal-range">
          {t('cal.range', { from: rangeFmt.format(days[0]!), to: rangeFmt.format(days[6]!) })}
        </span>
      </nav>
      <ErrorMessage error={q.error} />
      {q.isPending && <p aria-live="polite">{t('common.loading')}</p>}
      <div className="cal-week" data-testid="cal-week">
        {days.slice(0, 7).map((day, i) => {
          const start = day.getTime() / 1000;
          const end = days[i + 1]!.getTime() / 1000;
          const items = (q.data ?? []).filter((e) => e.at >= start && e.at < end);
          const isToday = sameDay(day, today);
          const id = `cal-day-${i}`;
          return (
            <section
              key={day.toISOString()}
              className={isToday ? 'cal-day today' : 'cal-day'}
              aria-labelledby={id}
              data-testid="cal-day"
            >
              <h2 id={id}>
                {dayFmt.format(day)}
                {isToday && <span className="badge">{t('cal.today')}</span>}
              </h2>
              {items.length === 0 ? (
                <p className="muted small">{t('cal.empty')}</p>
              ) : (
                <ul>
                  {items.map((e) => (
                    <li key={e.roomnum} data-testid="cal-entry">
                      <time dateTime={new Date(e.at * 1000).toISOString()}>
                        {timeFmt.format(new Date(e.at * 1000))}
                      </time>{' '}
                      <Link href={hasEnded(e) ? `/courses/${e.roomnum}/playback` : `/courses/${e.roomnum}`}>
                        {e.title}
                      </Link>
                      <div className="row small">
                        <StateBadge state={e.state} />
                        {e.minutes !== null && <span className="muted">{t('cal.minutes', { n: e.minutes })}</span>}
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      </div>
    </>
  );
}
