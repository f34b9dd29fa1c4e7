/**
 * Stored object references: what the database keeps where a file or index is named (courses.playback_idx_url and
 * cover, recordings.video_url, bound_files.url, file events). Either an external absolute URL, kept exactly as it
 * arrived (Tencent's recording URLs, a legacy client's own file host), or `storage:<key>` for an object in this
 * server's storage. URLs of this server's objects are never stored: they are built when answering, from the request's
 * base URL (requestBaseUrl), so the same row works on any host or port.
 */
import type { Env } from '../../env';
import { publicBaseUrl } from '../../env';
import { encodeKeyPath, safeObjectKey } from './keys';
import type { StorageProvider } from './types';

/** `storage:<key>` or an external URL (or '' for none). */
export type StoredRef = string;

const PREFIX = 'storage:';

/** The stored form of one of this server's objects. Throws BAD_INPUT for an unsafe key. */
export function storedRefOfKey(key: string): StoredRef {
  return `${PREFIX}${safeObjectKey(key)}`;
}

/** The object key a stored value names, or null when it is external (or empty). */
export function keyOfStoredRef(stored: string): string | null {
  return stored.startsWith(PREFIX) ? stored.slice(PREFIX.length) : null;
}

/**
 * The base URL of this server as the caller reached it, for URLs built into a reply: PUBLIC_BASE_URL when set,
 * otherwise the request's Host header (when it is a plain host[:port]), otherwise http://localhost:$PORT.
 * The one place that decides which request header counts (forwarded headers are not trusted here).
 */
export function requestBaseUrl(env: Env, host: string | null | undefined, protocol = 'http:'): string {
  if (env.PUBLIC_BASE_URL) return publicBaseUrl(env);
  const scheme = protocol === 'https:' ? 'https' : 'http';
  if (host && /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/.test(host))
    return `${scheme}://${host.toLowerCase()}`;
  return publicBaseUrl(env);
}

/**
 * The URL a client reads a stored reference at: external URLs as stored; this server's objects through the storage
 * provider (local: `${base}/storage/<key>`; COS: the bucket URL). `base` defaults to PUBLIC_BASE_URL / localhost.
 */
export function publicUrlOf(storage: Pick<StorageProvider, 'publicUrl'>, stored: StoredRef, base?: string): string {
  const key = keyOfStoredRef(stored);
  return key === null ? stored : storage.publicUrl(key, base);
}

/**
 * What to store for a URL a client sent (legacy reportbind, console unbind, the recording callback): a URL under
 * this server's /storage/ (at PUBLIC_BASE_URL, the request's base, or the provider's own URL prefix) becomes
 * `storage:<key>`; anything else is kept as sent. A `storage:<key>` value is checked like any key (BAD_INPUT).
 */
export function storedRefOfUrl(
  storage: Pick<StorageProvider, 'publicUrl'>,
  env: Env,
  url: string,
  base?: string,
): StoredRef {
  if (url.startsWith(PREFIX)) return storedRefOfKey(url.slice(PREFIX.length));
  const prefixes = new Set([`${publicBaseUrl(env)}/storage/`, storagePrefix(storage)]);
  if (base) prefixes.add(`${base}/storage/`);
  for (const p of prefixes) {
    if (!url.startsWith(p)) continue;
    const rawKey = url.slice(p.length).split(/[?#]/)[0]!;
    try {
      const key = decodeURIComponent(rawKey);
      // Only a key that encodes back to the same path is ours; anything odd stays an opaque external URL.
      if (encodeKeyPath(safeObjectKey(key)) === rawKey) return storedRefOfKey(key);
    } catch {
      return url;
    }
  }
  return url;
}

/** The URL prefix the provider puts before keys (the public URL of a probe key, minus the key). */
function storagePrefix(storage: Pick<StorageProvider, 'publicUrl'>): string {
  const probe = 'k';
  const u = storage.publicUrl(probe);
  return u.slice(0, u.length - probe.length);
}
