/**
 * Time formats of the VOD API v2 (`YYYY-MM-DD HH:MM:SS`, Beijing time UTC+8, as the 2017 service wrote them) and
 * of API 3.0 (ISO 8601 UTC). Pure conversions.
 */

const BEIJING_OFFSET_S = 8 * 3600;
const V2_TIME = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;

/** Unix seconds → `YYYY-MM-DD HH:MM:SS` in Beijing time. */
export function unixToV2Time(s: number): string {
  return new Date((s + BEIJING_OFFSET_S) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Unix seconds → ISO 8601 UTC without milliseconds (`2017-01-23T07:25:52Z`), as API 3.0 writes times. */
export function unixToIso(s: number): string {
  return new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO 8601 (API 3.0) → v2 time string; '' when absent or unparsable. */
export function isoToV2Time(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : unixToV2Time(Math.floor(ms / 1000));
}

/** `YYYY-MM-DD[ HH:MM:SS]` (Beijing time) → unix seconds; null when malformed or not a real date. */
export function parseV2Time(text: string): number | null {
  const m = V2_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1).map((x) => x ?? '0') as string[];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(ms);
  // Reject 2017-02-31 and 25:00:00, which Date.UTC would silently roll over.
  if (
    back.getUTCMonth() !== Number(mo) - 1 ||
    back.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return null;
  }
  return ms / 1000 - BEIJING_OFFSET_S;
}
