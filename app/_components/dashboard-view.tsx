'use client';
/** Console home: live now, scheduled drafts (soonest first), other drafts, recent playback ready, and 30 days of activity. */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { hasEnded } from '@/server/services/course-state';
import { useI18n } from '../_i18n/provider';
import { useTRPC } from '../_trpc/client';
import type { DashboardCourse } from '../_trpc/types';
import { ActivityChart } from './activity-chart';
import { ErrorMessage } from './error-message';
import { usePlanText } from './planned-time';
import { StateBadge } from './state-badge';

function CourseList({
  items,
  empty,
  when,
}: {
  items: DashboardCourse[];
  empty: string;
  when: (c: DashboardCourse) => string;
}) {
  if (items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {items.map((c) => (
        <li key={c.roomnum} className="row">
          <StateBadge state={c.state} playback={c.playback} />
          <Link href={hasEnded(c) ? `/courses/${c.roomnum}/playback` : `/courses/${c.roomnum}`}>{c.title}</Link>
          <span className="muted small">{when(c)}</span>
        </li>
      ))}
    </ul>
  );
}

export function DashboardView() {
  const { t, dateTime } = useI18n();
  const trpc = useTRPC();
  const planText = usePlanText();
  // Days are the teacher's days: the browser's offset, east-positive.
  const [eastMin] = useState(() => -new Date().getTimezoneOffset());
  const q = useQuery(trpc.dashboard.home.queryOptions({ eastMin }, { refetchInterval: 15_000 }));
  return (
    <>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>{t('dash.title')}</h1>
        <Link className="button primary" href="/courses/new">
          {t('courses.new')}
        </Link>
      </div>
      <ErrorMessage error={q.error} />
      {q.isPending && <p aria-live="polite">{t('common.loading')}</p>}
      {q.data && (
        <>
          <div className="grid">
            <section className="card" aria-labelledby="dash-live">
              <h2 id="dash-live">
                <span className="live-dot" aria-hidden="true" />
                {t('dash.liveNow')}
              </h2>
              <CourseList
                items={q.data.live}
                empty={t('dash.noneLive')}
                when={(c) => t('dash.members', { n: c.memsize })}
              />
            </section>
            <section className="card" aria-labelledby="dash-scheduled" data-testid="dash-scheduled">
              <h2 id="dash-scheduled">{t('dash.scheduled')}</h2>
              <CourseList items={q.data.upcoming} empty={t('dash.noneScheduled')} when={(c) => planText(c) ?? ''} />
            </section>
            <section className="card" aria-labelledby="dash-drafts">
              <h2 id="dash-drafts">{t('dash.upcoming')}</h2>
              {/* Not scheduled, or planned for a time already past: say which time is shown. */}
              <CourseList
                items={q.data.drafts}
                empty={t('dash.noneDrafts')}
                when={(c) =>
                  c.plannedStart !== null
                    ? t('plan.wasPlanned', { time: dateTime(c.plannedStart) })
                    : t('dash.createdAt', { time: dateTime(c.createdAt) })
                }
              />
            </section>
            <section className="card" aria-labelledby="dash-replay">
              <h2 id="dash-replay">{t('dash.recentPlayback')}</h2>
              <CourseList
                items={q.data.recentPlayback}
                empty={t('dash.nonePlayback')}
                when={(c) => t('dash.endedAt', { time: dateTime(c.endTime) })}
              />
            </section>
          </div>
          <section className="card" aria-labelledby="dash-activity">
            <h2 id="dash-activity">{t('dash.activity')}</h2>
            <ActivityChart days={q.data.days} />
          </section>
        </>
      )}
    </>
  );
}
