/**
 * Date inputs (YYYY-MM-DD, the viewer's local calendar) ↔ unix-second bounds for the attendance pages: `from` is the
 * start of its day, `to` the end of its day. Pure, so the range rules are tested without a browser.
 */

function dayInputValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The last `days` days ending today, as input values. */
export function defaultDayRange(now: Date, days = 30): { from: string; to: string } {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days);
  return { from: dayInputValue(start), to: dayInputValue(now) };
}

function parseDay(v: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Unix bounds for the inputs; an empty or invalid input leaves its bound to the server's default. */
export function dayRangeToUnix(from: string, to: string): { from?: number; to?: number } {
  const f = parseDay(from);
  const t = parseDay(to);
  return {
    from: f ? Math.floor(f.getTime() / 1000) : undefined,
    to: t ? Math.floor(new Date(t.getFullYear(), t.getMonth(), t.getDate() + 1).getTime() / 1000) - 1 : undefined,
  };
}

/** The input value of a unix bound (for showing the range the server used, e.g. after swapping). */
export function unixToDayInput(s: number): string {
  return dayInputValue(new Date(s * 1000));
}
