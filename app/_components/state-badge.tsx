'use client';
/** Course state badge: draft (0), live (1), ended (2), replay ready (3). */
import type { MessageKey } from '@/server/i18n/translate';
import { useT } from '../_i18n/provider';

export const STATE_KEYS: Record<number, MessageKey> = { 0: 'state.0', 1: 'state.1', 2: 'state.2', 3: 'state.3' };

export function StateBadge({ state }: { state: number }) {
  const t = useT();
  return (
    <span className={`badge s${state}`} data-testid="state-badge" data-state={state}>
      {t(STATE_KEYS[state] ?? 'state.0')}
    </span>
  );
}
