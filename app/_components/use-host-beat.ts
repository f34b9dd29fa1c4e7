'use client';
/**
 * The open course page keeps its live class alive: a host heartbeat (tRPC course.beat, the same rule as the app's
 * `live/heartbeat`) right away, then every `nextBeatS` the server asks for (≤ 30 s, shorter when COURSE_DEAD_S is
 * short), and again as soon as a hidden tab becomes visible (background tabs' timers may be throttled). Closing the
 * page stops the beats, and the usual dead-room rule ends the class. Beats keep going in background tabs on purpose:
 * a teacher who switches to the slides tab is still teaching.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { isLive } from '@/server/services/course-state';
import { useTRPC } from '../_trpc/client';

/** Until the server says otherwise (and after a failed beat): the longest interval the server ever asks for. */
const DEFAULT_BEAT_S = 30;

export function useHostBeat(roomnum: number, live: boolean): { error: unknown } {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const beat = useMutation(trpc.course.beat.mutationOptions());
  // The mutation object changes every render; the loop below reads the latest through a ref.
  const mutate = useRef(beat.mutateAsync);
  useEffect(() => {
    mutate.current = beat.mutateAsync;
  });

  useEffect(() => {
    if (!live) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    // Each beat schedules the next; a beat started meanwhile (tab visible again) takes over the schedule.
    let generation = 0;
    const run = async () => {
      clearTimeout(timer);
      const mine = ++generation;
      let next = DEFAULT_BEAT_S;
      try {
        const r = await mutate.current({ roomnum });
        next = r.nextBeatS;
        // Ended meanwhile (by the phone, or the sweeper): let the page catch up and stop beating.
        if (!isLive(r)) {
          void qc.invalidateQueries({ queryKey: trpc.course.byId.queryKey({ roomnum }) });
          return;
        }
      } catch {
        // Shown by the caller (beat error); try again on the usual schedule.
      }
      if (!stopped && mine === generation) timer = setTimeout(() => void run(), next * 1000);
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') void run();
    };
    void run();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [live, roomnum, qc, trpc]);

  return { error: beat.error };
}
