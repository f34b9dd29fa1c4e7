'use client';
/**
 * Course state badge: draft (0), live (1), ended (2), replay ready (3). For an ended course the playback status
 * (server/services/playback-status.ts) decides, whatever the state number says: 'ready' → replay ready, 'none' →
 * ended, no recording, 'waiting' → ended, waiting for the recording, 'pending'/'failed' → ended — as the course list's tabs count them.
 */
import type { MessageKey } from '@/server/i18n/translate';
import { shownState } from '@/server/services/course-state';
import { useT } from '../_i18n/provider';
import type { PlaybackStatus } from '../_trpc/types';

export const STATE_KEYS: Record<number, MessageKey> = { 0: 'state.0', 1: 'state.1', 2: 'state.2', 3: 'state.3' };

export function StateBadge({ state, playback }: { state: number; playback?: PlaybackStatus | null }) {
  const t = useT();
  // Without a playback status (calendar, student card) the number is shown as it is.
  const shown = playback === undefined ? state : shownState({ state }, playback === 'ready');
  return (
    <span
      className={`badge s${shown}`}
      data-testid="state-badge"
      data-state={state}
      data-playback={playback ?? undefined}
    >
      {t(
        playback === 'none'
          ? 'state.noRecording'
          : playback === 'waiting'
            ? 'state.waitingRecording'
            : (STATE_KEYS[shown] ?? 'state.0'),
      )}
    </span>
  );
}
