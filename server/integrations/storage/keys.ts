/**
 * Object keys: the one gate every key passes before it names a file or a COS object. A key can never escape
 * STORAGE_DIR: no `.`/`..` or hidden (dot-led) segments, no absolute paths, backslashes, empty segments, NUL or
 * control characters, and the same checks run again on every percent-decoded form (so `%2e%2e%2f` and double
 * encodings are caught too). The key itself is returned unchanged: the HTTP layer decodes a URL path exactly once.
 */
import { AppError } from '../../errors';

/**
 * Key prefixes the server writes or hands out itself: playback indexes, console uploads (per teacher) and demo data.
 * Clients never get credentials under them (cos/get_sign refuses), so nobody overwrites what the server manages.
 */
export const SERVER_KEY_PREFIX = { PLAYBACK: 'playback/', UPLOADS: 'uploads/', DEMO: 'demo/' } as const;

/**
 * Where cos/get_sign hands out write credentials: `users/<uid>/…` (the caller's own) and `courses/<roomnum>/…`
 * (a course the caller teaches). Every other key is written by the server only.
 */
export const CLIENT_KEY_PREFIX = { USERS: 'users/', COURSES: 'courses/' } as const;

/** Top-level folders the server creates at start (local storage), so no object can claim their names first. */
export const RESERVED_FOLDERS = [...Object.values(SERVER_KEY_PREFIX), ...Object.values(CLIENT_KEY_PREFIX)].map((p) =>
  p.slice(0, -1),
);

/**
 * Whether a key lies under a server-managed prefix or is one of those folder names itself (`uploads` would block
 * the folder); case-insensitive, since STORAGE_DIR may be case-insensitive.
 */
export function isServerManagedKey(key: string): boolean {
  const k = key.toLowerCase();
  return Object.values(SERVER_KEY_PREFIX).some((p) => k.startsWith(p) || k === p.slice(0, -1));
}

/**
 * The predictable key playback indexes had before they got a random segment (`playback/<room>/index-<time>.json`):
 * anyone could derive it from a room number, so /storage/ no longer serves it (the migration re-queues those indexes,
 * and the job writes them again at `playback/<room>/<random>/index.json`).
 */
export function isRetiredPlaybackKey(key: string): boolean {
  return /^playback\/\d+\/index-\d+\.json$/i.test(key);
}

/** COS allows keys up to 850 bytes of UTF-8. */
export const MAX_KEY_BYTES = 850;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function problemOf(k: string): string | null {
  if (k.length === 0) return 'must not be empty';
  if (/[\u0000-\u001f\u007f]/.test(k)) return 'must not contain control characters';
  if (k.includes('\\')) return 'must not contain backslashes';
  if (k.startsWith('/')) return 'must be relative (no leading /)';
  if (/^[A-Za-z]:/.test(k)) return 'must not be a drive path';
  for (const seg of k.split('/')) {
    if (seg === '') return 'must not contain empty segments or end with /';
    if (seg.startsWith('.')) return 'segments must not start with "." (no ., .. or hidden names)';
  }
  return null;
}

/** Returns `raw` if it is a safe object key; throws AppError BAD_INPUT naming the problem otherwise. */
export function safeObjectKey(raw: unknown): string {
  if (typeof raw !== 'string') throw new AppError('BAD_INPUT', 'key: must be a string');
  if (Buffer.byteLength(raw, 'utf8') > MAX_KEY_BYTES)
    throw new AppError('BAD_INPUT', `key: at most ${MAX_KEY_BYTES} bytes`);
  if (LONE_SURROGATE.test(raw)) throw new AppError('BAD_INPUT', 'key: not valid Unicode');
  let form = raw;
  // Check the key and each successive percent-decoding of it (bounded), so encoded traversal never slips through.
  for (let i = 0; i < 4; i++) {
    const problem = problemOf(form);
    if (problem) throw new AppError('BAD_INPUT', `key: ${problem}`);
    if (!/%[0-9A-Fa-f]{2}/.test(form)) break;
    let decoded: string;
    try {
      decoded = decodeURIComponent(form);
    } catch {
      throw new AppError('BAD_INPUT', 'key: malformed percent-encoding');
    }
    if (decoded === form) break;
    form = decoded;
  }
  return raw;
}

/** Encodes a key for a URL path: each segment percent-encoded, `/` kept (as COS URLs do). */
export function encodeKeyPath(key: string): string {
  return key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}
