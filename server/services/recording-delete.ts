/**
 * Deleting a recording from the console (its teacher only, once the course has ended). One transaction removes the
 * row, appends a 'recording_deleted' course event (the append-only log keeps the 'recording' event and says it went)
 * and queues the playback index for a rebuild now, so the index stops listing it. When the video is an object of
 * this server's local storage, the same transaction decides whether its file goes too: only when nothing else names
 * it (stored-references.ts: another recording, a file bound as courseware to any course or library, a cover, an
 * index); a file still referenced stays and only the row goes. The file itself is removed after the commit. A Tencent
 * (VOD/COS) video is not deleted there — only the row — and the answer says so (`storageDeleted: false`).
 * Deleting the course's last recording also withdraws a published replay in the same transaction (`unpublished:
 * true`): students would otherwise be offered a replay with no video, and publishing it again needs a recording.
 * Throws COURSE_STATE, NOT_FOUND. Caller: tRPC playback.deleteRecording (the door resolved the taught course).
 */
import { and, count, eq } from 'drizzle-orm';
import { first, inTransaction, type Tx } from '../../db/client';
import { courses, recordings } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { localFilesOf } from '../integrations/storage/local';
import { keyOfStoredRef, storedRefOfKey, storedRefOfUrl } from '../integrations/storage/stored-ref';
import type { TaughtCourse } from './course-access';
import { appendEvents } from './course-events';
import { queueIndexTx } from './playback-build';
import { hasEnded, ROLE } from './course-state';
import { storedObjectReferencedTx } from './stored-references';

/**
 * The local storage key of a stored video reference (a `storage:<key>` reference, or a URL of this server's storage
 * from rows before references: the one reading of stored-ref.ts storedRefOfUrl); null for anything else (Tencent
 * URLs), for a key no object of ours can have, and when storage is not local.
 */
function ownStorageKey(ctx: ServiceCtx, url: string): string | null {
  if (ctx.storage.name !== 'local') return null;
  try {
    return keyOfStoredRef(storedRefOfUrl(ctx.storage, ctx.env, url));
  } catch {
    return null; // a `storage:` value with a key we could not have stored
  }
}

/**
 * The local storage key of a deleted recording's video when nothing references that object any more (its reference
 * in any spelling: as the row held it, as `storage:<key>`, as this server's URL), else null. Inside the delete's
 * transaction. The demo, for one, shares one clip between recordings; a teacher may have bound it as courseware.
 */
async function unreferencedOwnKeyTx(tx: Tx, ctx: ServiceCtx, videoUrl: string): Promise<string | null> {
  const key = ownStorageKey(ctx, videoUrl);
  if (key === null) return null;
  const forms = [videoUrl, storedRefOfKey(key), ctx.storage.publicUrl(key)];
  return (await storedObjectReferencedTx(tx, forms)) ? null : key;
}

/** Withdraws a published replay whose course has no recording left; true when it did. Inside the delete's transaction. */
async function withdrawIfLastTx(tx: Tx, roomnum: number): Promise<boolean> {
  const left = first(await tx.select({ n: count() }).from(recordings).where(eq(recordings.roomnum, roomnum)));
  if ((left?.n ?? 0) > 0) return false;
  const withdrawn = await tx
    .update(courses)
    .set({ playbackPublished: false })
    .where(and(eq(courses.roomnum, roomnum), eq(courses.playbackPublished, true)))
    .returning({ roomnum: courses.roomnum });
  return withdrawn.length > 0;
}

export async function deleteRecording(
  ctx: ServiceCtx,
  c: TaughtCourse,
  input: { recordingId: number },
): Promise<{ storageDeleted: boolean; unpublished: boolean }> {
  if (!hasEnded(c)) throw new AppError('COURSE_STATE', 'recordings are managed once the course has ended');
  const now = ctx.clock.nowS();
  const { key, unpublished } = await inTransaction(ctx.db, async (tx) => {
    const row = first(
      await tx
        .delete(recordings)
        .where(and(eq(recordings.id, input.recordingId), eq(recordings.roomnum, c.roomnum)))
        .returning(),
    );
    if (!row) throw new AppError('NOT_FOUND', 'no such recording in this course');
    await appendEvents(tx, [
      {
        roomnum: c.roomnum,
        at: now,
        kind: 'recording_deleted',
        uid: c.hostUid,
        role: ROLE.TEACHER,
        detail: { recording_id: row.id, file_id: row.fileId, video_url: row.videoUrl },
      },
    ]);
    // The same re-queue as the console's "retry" (fresh attempt budget, due now), inside this transaction.
    await queueIndexTx(tx, c.roomnum, now);
    return {
      key: await unreferencedOwnKeyTx(tx, ctx, row.videoUrl),
      unpublished: await withdrawIfLastTx(tx, c.roomnum),
    };
  });
  if (key === null) return { storageDeleted: false, unpublished };
  try {
    return { storageDeleted: (await localFilesOf(ctx.storage)?.remove(key)) ?? false, unpublished };
  } catch (e) {
    // The row is gone either way; a file left behind is only disk space.
    ctx.log.warn({ roomnum: c.roomnum, key, err: (e as Error).message }, 'recording file could not be removed');
    return { storageDeleted: false, unpublished };
  }
}
