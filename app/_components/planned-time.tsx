'use client';
/**
 * A course's plan in one phrase, the same on the teacher's course page, the dashboard and the student's invite page:
 * "Starts <date, time> · 50 min", "Starts <date, time>", or, for a length saved without a start (older rows; the
 * server now refuses it), "50 min (no start planned)". Nothing when there is no plan.
 */
import { useI18n } from '../_i18n/provider';

export interface Plan {
  plannedStart: number | null;
  plannedMinutes: number | null;
}

/** The phrase, or null without a plan. */
export function usePlanText(): (p: Plan) => string | null {
  const { t, dateTime } = useI18n();
  return (p) => {
    if (p.plannedStart !== null)
      return p.plannedMinutes !== null
        ? t('plan.startsFor', { time: dateTime(p.plannedStart), minutes: p.plannedMinutes })
        : t('plan.starts', { time: dateTime(p.plannedStart) });
    return p.plannedMinutes !== null ? t('plan.lengthOnly', { minutes: p.plannedMinutes }) : null;
  };
}

export function PlannedTime({ plan, className }: { plan: Plan; className?: string }) {
  const text = usePlanText()(plan);
  if (text === null) return null;
  return (
    <span className={className} data-testid="planned-time">
      {text}
    </span>
  );
}
