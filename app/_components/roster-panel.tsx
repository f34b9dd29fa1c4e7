'use client';
/**
 * Live roster: who is in the room (teachers counted apart from students), role, join time, how long ago the last
 * heartbeat was (as the honest range server/console/heartbeat-age.ts gives: beats are stored coalesced), the
 * course's elapsed time, and the newest comings and goings.
 *
 * Why polling and not a tRPC subscription over SSE: an SSE stream holds one connection per open page through
 * Next's per-request pipeline for the whole class, and needs its own change feed across processes; polling an
 * indexed query every 2 s (react-query refetchInterval, paused in background tabs) shows a change within 3 s with
 * simpler failure modes (a failed poll is just retried, nothing to reconnect).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { isLive, isTeacher } from '@/server/services/course-state';
import { heartbeatAge } from '@/server/console/heartbeat-age';
import { useI18n } from '../_i18n/provider';
import { formatDuration } from '../_lib/format';
import { useTRPC } from '../_trpc/client';
import { ErrorMessage } from './error-message';
import { ScrollTable } from './scroll-table';

const ROSTER_POLL_MS = 2_000;

export function RosterPanel({ roomnum }: { roomnum: number }) {
  const { t, time, number } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.roster.live.queryOptions({ roomnum }, { refetchInterval: ROSTER_POLL_MS, staleTime: 0 }));
  // Ended elsewhere (the phone, or the sweeper): refresh the course so the page leaves its live state.
  const endedElsewhere = q.data !== undefined && !isLive(q.data);
  useEffect(() => {
    if (endedElsewhere) void qc.invalidateQueries({ queryKey: trpc.course.byId.queryKey({ roomnum }) });
  }, [endedElsewhere, qc, trpc, roomnum]);
  // Elapsed time ticks locally between polls, anchored on the server's clock (not the browser's) at the last poll:
  // react-query's dataUpdatedAt is the browser time that answer arrived.
  const [clientNow, setClientNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setClientNow(Date.now()), 1000);
    return () => clearInterval(h);
  }, []);
  const serverNow = q.data?.now;
  const now =
    serverNow === undefined ? undefined : serverNow + Math.max(0, Math.floor((clientNow - q.dataUpdatedAt) / 1000));
  const elapsed = q.data && now !== undefined ? now - q.data.beginTime : 0;
  const granularityS = q.data?.heartbeatGranularityS ?? 0;
  const ageText = (lastHeartbeat: number): string => {
    if (now === undefined) return time(lastHeartbeat);
    const age = heartbeatAge(lastHeartbeat, now, granularityS);
    return age.maxS < granularityS
      ? t('roster.ageUnder', { n: granularityS })
      : t('roster.ageRange', { min: age.minS, max: age.maxS });
  };

  return (
    <div className="stack">
      <ErrorMessage error={q.error} />
      {q.data && (
        <>
          <div className="row">
            <span>
              <span className="muted">{t('roster.count')}: </span>
              <strong data-testid="roster-count">{q.data.total}</strong>{' '}
              <span
                data-testid="roster-counts"
                data-teachers={q.data.counts.teachers}
                data-students={q.data.counts.students}
              >
                (
                {t(q.data.counts.teachers === 1 ? 'roster.teachers' : 'roster.teachersMany', {
                  n: number(q.data.counts.teachers),
                })}{' '}
                ·{' '}
                {t(q.data.counts.students === 1 ? 'roster.students' : 'roster.studentsMany', {
                  n: number(q.data.counts.students),
                })}
                )
              </span>
            </span>
            <span>
              <span className="muted">{t('roster.elapsed')}: </span>
              <strong data-testid="elapsed-time">{formatDuration(elapsed)}</strong>
            </span>
          </div>
          <ScrollTable
            label={t('roster.tableLabel')}
            testId="roster-table"
            live
            columns={[t('roster.member'), t('roster.role'), t('roster.joined'), t('roster.heartbeat')]}
          >
            {q.data.members.map((m) => (
              <tr key={m.uid} data-testid="roster-row" data-uid={m.uid}>
                <td>{m.uid}</td>
                <td>{isTeacher(m) ? t('role.teacher') : t('role.student')}</td>
                <td>{time(m.joinedAt)}</td>
                <td data-testid="heartbeat-age">{ageText(m.lastHeartbeat)}</td>
              </tr>
            ))}
          </ScrollTable>
          {q.data.members.length === 0 && <p className="muted">{t('roster.empty')}</p>}
          <p className="muted small">{t('roster.heartbeatNote', { n: granularityS })}</p>
          <section aria-labelledby="moves-h">
            <h3 id="moves-h">{t('roster.feed')}</h3>
            {q.data.moves.length === 0 ? (
              <p className="muted">{t('roster.feedEmpty')}</p>
            ) : (
              <ol className="member-feed" data-testid="member-feed">
                {q.data.moves.map((m) => (
                  <li key={m.id} data-testid="feed-item" data-kind={m.kind} data-uid={m.uid}>
                    <time dateTime={new Date(m.at * 1000).toISOString()}>{time(m.at)}</time>{' '}
                    {t(
                      m.kind === 'join'
                        ? 'roster.feedJoin'
                        : m.kind === 'leave'
                          ? 'roster.feedLeave'
                          : 'roster.feedTimeout',
                      { uid: m.uid },
                    )}
                    {isTeacher(m) && <span className="muted small"> ({t('role.teacher')})</span>}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
    </div>
  );
}
