/**
 * How long the teacher had been silent when the sweeper ended a class, in words: seconds below two minutes (short
 * test limits), whole minutes above (COURSE_DEAD_S is 5 min by default). Words come from the catalogs through `t`.
 */
import type { MessageKey, Vars } from '@/server/i18n/translate';

export function silenceDuration(silentS: number, t: (key: MessageKey, vars?: Vars) => string): string {
  return silentS < 120
    ? t('unit.seconds', { n: Math.max(0, Math.round(silentS)) })
    : t('unit.minutes', { n: Math.round(silentS / 60) });
}
