/**
 * Content types by file extension (for objects stored without one), and which types the storage route may show
 * inline. Everything else is served as an attachment, so an uploaded HTML/SVG file can never run script on this
 * origin (the console lives here too).
 */
import path from 'node:path';

const BY_EXT: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.flv': 'video/x-flv',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.mp3': 'audio/mpeg',
  '.aac': 'audio/aac',
  '.m4a': 'audio/mp4',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function contentTypeOf(key: string): string {
  return BY_EXT[path.posix.extname(key).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}

const INLINE = new Set([
  'application/pdf',
  'application/json',
  'application/vnd.apple.mpegurl',
  'application/x-mpegurl',
  'text/plain',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'video/x-flv',
  'video/mp2t',
  'audio/mpeg',
  'audio/aac',
  'audio/mp4',
]);

/** True when a browser may render this type inline without running script (no HTML, SVG, XML). */
export function isInlineSafe(contentType: string): boolean {
  return INLINE.has(contentType.split(';')[0]!.trim().toLowerCase());
}

/** A syntactically valid `type/subtype[; params]` of bounded length, else null. */
export function normalizeContentType(v: string | undefined): string | null {
  if (v === undefined) return null;
  const t = v.trim();
  if (t.length === 0 || t.length > 200) return null;
  return /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"\\\r\n]*"|[A-Za-z0-9!#$&^_.+-]+))*$/.test(
    t,
  )
    ? t
    : null;
}
