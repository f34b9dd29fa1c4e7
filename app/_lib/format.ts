/** Small display helpers shared by console components (no user-facing words here: those come from catalogs). */

/** Between a number and its unit, so "200 MB" never breaks across lines. */
export const NBSP = '\u00a0';

/** `1.5 MB` with a non-breaking space; '—' for unknown (0). */
export function formatBytes(n: number, locale: string): string {
  if (n <= 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v)}${NBSP}${units[i]}`;
}

/** `h:mm:ss` / `m:ss` for a duration in seconds. */
export function formatDuration(totalS: number): string {
  const s = Math.max(0, Math.floor(totalS));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

type PreviewKind = 'pdf' | 'image' | 'video' | null;

/** What the browser can show inline, by MIME when known, else by the URL's extension. */
export function previewKind(mime: string, url: string): PreviewKind {
  const m = mime.toLowerCase();
  const ext = (url.split('?')[0] ?? '').split('.').pop()?.toLowerCase() ?? '';
  if (m === 'application/pdf' || (!m && ext === 'pdf')) return 'pdf';
  if (m.startsWith('image/') || (!m && ['png', 'jpg', 'jpeg', 'gif', 'webp'].includes(ext))) return 'image';
  if (m.startsWith('video/') || (!m && ['mp4', 'm3u8', 'webm'].includes(ext))) return 'video';
  return null;
}

/** A short type label (PDF, PPTX, …) from the file name. */
export function typeLabel(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '—' : fileName.slice(dot + 1).toUpperCase();
}

/**
 * Extensions of one kind as a short label: ['ppt', 'pptx'] → "PPT(X)", ['pdf'] → "PDF", others joined with "/".
 * The list itself comes from the server (courseware.uploadRules), never from the client.
 */
export function extensionsLabel(extensions: readonly string[]): string {
  const up = extensions.map((e) => e.toUpperCase());
  if (up.length === 2 && up[1] === `${up[0]}X`) return `${up[0]}(X)`;
  return up.join('/');
}

/** A `datetime-local` input's value (the browser's local time) → unix seconds; undefined when empty or invalid. */
export function fromLocalInput(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** Unix seconds → a `datetime-local` input's value in the browser's local time. */
export function toLocalInput(unixS: number): string {
  const d = new Date(unixS * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
