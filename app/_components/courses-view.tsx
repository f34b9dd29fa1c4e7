'use client';
/**
 * The teacher's courses: state tabs with counts, title search, date range (a reversed one is swapped, with a
 * note), server-side pagination. The search is debounced so typing does not send a request per key. All columns
 * stay on a phone: the table scrolls sideways.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { COURSE_STATES, isDraft, isLive, type CourseState } from '@/server/services/course-state';
import { COURSE_SEARCH_MAX } from '@/server/services/input-rules';
import { useI18n } from '../_i18n/provider';
import { useTRPC } from '../_trpc/client';
import { ErrorMessage } from './error-message';
import { STATE_KEYS, StateBadge } from './state-badge';
import { ScrollTable } from './scroll-table';

const PAGE_SIZE = 10;
type StateFilter = CourseState | undefined;

/** `YYYY-MM-DD` (a date input, local time) → unix seconds at the start or end of that day. */
function dayBound(value: string, end: boolean): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const ms = end ? new Date(y, m - 1, d, 23, 59, 59).getTime() : new Date(y, m - 1, d).getTime();
  return Math.floor(ms / 1000);
}

export function CoursesView() {
  const { t, date, dateTime, number } = useI18n();
  const trpc = useTRPC();
  const [state, setState] = useState<StateFilter>(undefined);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<'recent' | 'planned'>('recent');

  useEffect(() => {
    const h = setTimeout(() => {
      setQ(search.trim());
      setPage(1);
    }, 300);
    return () => clearTimeout(h);
  }, [search]);

  // A reversed range (from after to) is read the way it was meant: swapped, and the page says so.
  const reversed = from !== '' && to !== '' && dayBound(from, false)! > dayBound(to, true)!;
  const [lo, hi] = reversed ? [to, from] : [from, to];
  const input = {
    page,
    pageSize: PAGE_SIZE,
    state,
    q: q || undefined,
    from: dayBound(lo, false),
    to: dayBound(hi, true),
    sort,
  };
  const list = useQuery(trpc.course.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const counts = list.data?.counts;
  const all = counts ? counts['0'] + counts['1'] + counts['2'] + counts['3'] : undefined;
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;
  const tabs: { value: StateFilter; label: string; n?: number }[] = [
    { value: undefined, label: t('courses.all'), n: all },
    ...COURSE_STATES.map((s) => ({ value: s, label: t(STATE_KEYS[s]!), n: counts?.[String(s) as '0'] })),
  ];

  return (
    <>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>{t('courses.title')}</h1>
        <Link className="button primary" href="/courses/new" data-testid="new-course">
          {t('courses.new')}
        </Link>
      </div>
      <section className="card" aria-label={t('courses.filters')}>
        <div className="tabs" role="group" aria-label={t('courses.stateFilter')}>
          {tabs.map((tab) => (
            <button
              key={String(tab.value)}
              type="button"
              aria-pressed={state === tab.value}
              data-testid={`state-tab-${tab.value ?? 'all'}`}
              onClick={() => {
                setState(tab.value);
                setPage(1);
              }}
            >
              {tab.label}
              {tab.n !== undefined && <span className="small"> ({number(tab.n)})</span>}
            </button>
          ))}
        </div>
        <div className="row">
          <span className="field" style={{ margin: 0 }}>
            <label htmlFor="course-search">{t('courses.search')}</label>
            <input
              id="course-search"
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder={t('courses.searchPlaceholder')}
              maxLength={COURSE_SEARCH_MAX}
            />
          </span>
          <span className="field" style={{ margin: 0 }}>
            <label htmlFor="course-from">{t('courses.from')}</label>
            <input
              id="course-from"
              type="date"
              value={from}
              onChange={(e) => {
                setFrom(e.target.value);
                setPage(1);
              }}
            />
          </span>
          <span className="field" style={{ margin: 0 }}>
            <label htmlFor="course-to">{t('courses.to')}</label>
            <input
              id="course-to"
              type="date"
              value={to}
              onChange={(e) => {
                setTo(e.target.value);
                setPage(1);
              }}
            />
          </span>
          <span className="field" style={{ margin: 0 }}>
            <label htmlFor="course-sort">{t('courses.sort')}</label>
            <select
              id="course-sort"
              value={sort}
              data-testid="course-sort"
              onChange={(e) => {
                setSort(e.target.value === 'planned' ? 'planned' : 'recent');
                setPage(1);
              }}
            >
              <option value="recent">{t('courses.sortRecent')}</option>
              <option value="planned">{t('courses.sortPlanned')}</option>
            </select>
          </span>
        </div>
        {reversed && (
          <p className="muted small" role="status" data-testid="dates-swapped">
            {t('courses.datesSwapped', { from: date(dayBound(lo, false)!), to: date(dayBound(hi, true)!) })}
          </p>
        )}
      </section>
      <ErrorMessage error={list.error} />
      <section className="card" aria-labelledby="course-table-caption">
        <ScrollTable
          label={t('courses.tableLabel')}
          testId="course-table"
          caption={{ id: 'course-table-caption', text: t('courses.title') }}
          columns={[t('courses.colTitle'), t('courses.colState'), t('courses.colTime'), t('courses.colMembers')]}
        >
          {list.data?.items.map((c) => (
            <tr key={c.roomnum} data-testid="course-row">
              <td>
                <Link href={`/courses/${c.roomnum}`}>{c.title}</Link>
                <div className="muted small">#{c.roomnum}</div>
                {isDraft(c) && c.plannedStart !== null && (
                  <div className="small">{t('course.plannedAt', { time: dateTime(c.plannedStart) })}</div>
                )}
              </td>
              <td>
                <StateBadge state={c.state} playback={c.playback} />
              </td>
              <td className="nowrap">{dateTime(c.beginTime || c.createdAt)}</td>
              <td>{isLive(c) ? number(c.memsize) : '—'}</td>
            </tr>
          ))}
        </ScrollTable>
        {list.isPending && <p aria-live="polite">{t('common.loading')}</p>}
        {list.data && list.data.items.length === 0 && <p className="muted">{t('courses.empty')}</p>}
        <nav className="row" aria-label={t('courses.pagination')} style={{ marginTop: '0.75rem' }}>
          <button type="button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
            {t('common.prev')}
          </button>
          <span aria-live="polite">{t('courses.pageOf', { page, pages })}</span>
          <button type="button" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
            {t('common.next')}
          </button>
          {list.data && <span className="muted small">{t('courses.totalN', { n: list.data.total })}</span>}
        </nav>
      </section>
    </>
  );
}
