/**
 * Disk side of the local storage provider: objects are files under STORAGE_DIR named by their (already validated)
 * key, written atomically (temp file in STORAGE_DIR/.tmp, fsync, rename) and recorded in `stored_objects`.
 * Shared by the provider (server-side writes) and the /storage/ HTTP route (streamed uploads, ranged reads).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { inTransaction, type Db } from '../../../db/client';
import { storedObjects } from '../../../db/schema';
import type { Clock } from '../../clock';
import { AppError } from '../../errors';
import { RESERVED_FOLDERS, safeObjectKey } from './keys';
import { contentTypeOf } from './mime';

/** Temp files live inside STORAGE_DIR so the final rename stays on one filesystem (atomic). Keys cannot start with '.'. */
const TMP = '.tmp';

interface WrittenObject {
  size: number;
  /** Hex MD5 of the body (the ETag COS would return). */
  md5: string;
}

export function createLocalFiles(storageDir: string, db: Db, clock: Clock) {
  const root = path.resolve(storageDir);
  // The server's own top-level folders exist from the start, so no upload can take their names as files.
  for (const dir of RESERVED_FOLDERS) mkdirSync(path.join(root, dir), { recursive: true });

  /** Absolute path of a key; throws BAD_INPUT if the key is unsafe (and re-checks containment as a second fence). */
  function pathOf(key: string): string {
    safeObjectKey(key);
    const p = path.resolve(root, key);
    if (!p.startsWith(root + path.sep)) throw new AppError('BAD_INPUT', 'key: escapes the storage directory');
    return p;
  }

  /**
   * Refuses a key whose existing path inside STORAGE_DIR passes through a symbolic link (a link planted in the store
   * could point at /etc or anywhere outside it). Checks every existing segment with lstat; missing ones are created
   * by us as plain folders. STORAGE_DIR itself may be a link.
   */
  async function assertNoLinks(key: string): Promise<void> {
    let at = root;
    for (const seg of key.split('/')) {
      at = path.join(at, seg);
      let st;
      try {
        st = await fs.lstat(at);
      } catch {
        return;
      }
      if (st.isSymbolicLink()) throw new AppError('BAD_INPUT', 'key: passes through a symbolic link');
    }
  }

  /**
   * Streams `source` to a temp file (refusing more than `maxBytes` with TOO_LARGE), then renames it over the key's
   * file and records the object. Nothing is left behind on failure.
   */
  async function write(
    key: string,
    source: Buffer | AsyncIterable<Buffer>,
    opts: { contentType: string; maxBytes?: number; contentMd5Base64?: string },
  ): Promise<WrittenObject> {
    const dest = pathOf(key);
    const tmpDir = path.join(root, TMP);
    await fs.mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, randomUUID());
    const fh = await fs.open(tmp, 'wx', 0o644);
    const hash = createHash('md5');
    let size = 0;
    try {
      try {
        const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(source) ? [source] : source;
        for await (const chunk of chunks) {
          size += chunk.length;
          if (opts.maxBytes !== undefined && size > opts.maxBytes)
            throw new AppError('TOO_LARGE', `object larger than ${opts.maxBytes} bytes`);
          hash.update(chunk);
          await fh.write(chunk);
        }
        await fh.datasync();
      } finally {
        await fh.close();
      }
      if (opts.contentMd5Base64 !== undefined && hash.copy().digest('base64') !== opts.contentMd5Base64) {
        throw new AppError('BAD_INPUT', 'Content-MD5 does not match the body');
      }
      await assertNoLinks(key);
      await fs.mkdir(path.dirname(dest), { recursive: true });
      await fs.rename(tmp, dest);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST') {
        throw new AppError('BAD_INPUT', 'key: conflicts with an existing object path (file vs folder)');
      }
      throw e;
    }
    await record(key, size, opts.contentType);
    return { size, md5: hash.digest('hex') };
  }

  /** Records (or refreshes) an object row; the owner set by whoever issued the upload is kept. */
  async function record(key: string, size: number, mime: string): Promise<void> {
    const now = clock.nowS();
    await inTransaction(db, async (tx) => {
      await tx
        .insert(storedObjects)
        .values({ key, size, mime, createdAt: now })
        .onConflictDoUpdate({
          target: storedObjects.key,
          set: { size: sql`excluded.size`, mime: sql`excluded.mime`, createdAt: sql`excluded.created_at` },
        });
    });
  }

  /** Size, type, mtime of a stored file, or null when there is none. */
  async function stat(
    key: string,
  ): Promise<{ path: string; size: number; contentType: string; mtimeMs: number } | null> {
    const p = pathOf(key);
    let st;
    try {
      await assertNoLinks(key);
      st = await fs.lstat(p);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const row = await db.query.storedObjects.findFirst({
      columns: { mime: true },
      where: (o, { eq }) => eq(o.key, key),
    });
    return { path: p, size: st.size, contentType: row?.mime || contentTypeOf(key), mtimeMs: st.mtimeMs };
  }

  /** Removes temp files older than `maxAgeMs` (uploads cut off by a crash); best effort. Returns how many went. */
  async function sweepTemp(maxAgeMs: number): Promise<number> {
    const dir = path.join(root, TMP);
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return 0;
    }
    let removed = 0;
    // File mtimes are the OS clock's; the injected clock is that clock outside tests (tests move it to age files).
    const cutoff = clock.nowMs() - maxAgeMs;
    for (const name of names) {
      const p = path.join(dir, name);
      try {
        if ((await fs.stat(p)).mtimeMs < cutoff) {
          await fs.rm(p, { force: true });
          removed++;
        }
      } catch {
        /* raced with another sweeper or a finishing upload */
      }
    }
    return removed;
  }

  /** Deletes an object's file and its row; true when there was a file. */
  async function remove(key: string): Promise<boolean> {
    const p = pathOf(key);
    let existed = true;
    try {
      await fs.unlink(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      existed = false;
    }
    await inTransaction(db, async (tx) => {
      await tx.delete(storedObjects).where(eq(storedObjects.key, key));
    });
    return existed;
  }

  return { root, pathOf, write, stat, sweepTemp, remove };
}
export type LocalFiles = ReturnType<typeof createLocalFiles>;
