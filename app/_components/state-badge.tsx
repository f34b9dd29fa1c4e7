'use client';
/**
 * Course state badge: draft (0), live (1), ended (2), replay ready (3) — and "ended, no recording" for an ended
 * course whose playback status (server/services/playback-status.ts) is 'none', whatever its state number says.
 */
import type { MessageKey } from '@/server/i18n/translate';
import type { PlaybackStatus } from '@/server/services/playback-status';
import { useT } from '../_i18n/provider';

export const STATE_KEYS: Record<number, MessageKey> = { 0: 'state.0', 1: 'state.1', 2: 'state.2', 3: 'state.3' };

export function StateBadge({ state, playback }: { state: number; playback?: PlaybackStatus | null }) {
  const t = useT();
  const noRecording = playback === 'none';
  return (
    <span className={`badge s${noRecording ? 2 : state}`} data-testid="state-badge" data-state={state} data-playback={playback ?? undefined}>
      {t(noRecording ? 'state.noRecording' : (STATE_KEYS[state] ?? 'state.0'))}
    </span>
  );
}
