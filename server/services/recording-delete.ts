/**
 * Deleting a recording from the console (its teacher only, once the course has ended). One transaction removes the
 * row, appends a 'recording_deleted' course event (the append-only log keeps the 'recording' event and says it went)
 * and queues the playback index for a rebuild now, so the index stops listing it. Afterwards, when the video is an
 * object of this server's local storage, its file goes too; a Tencent (VOD/COS) video is not deleted there — only
 * the row — and the answer says so (`storageDeleted: false`).
 * Deleting the course's last recording also withdraws a published replay in the same transaction (`unpublished:
 * true`): students would otherwise be offered a replay with no video, and publishing it again needs a recording.
 * Throws ROOM_NOT_FOUND, NO_PRIVILEGE, COURSE_STATE, NOT_FOUND. Caller: tRPC playback.deleteRecording.
 */
import { and, count, eq } from 'drizzle-orm';
import { first, inTransaction } from '../../db/client';
import { courses, recordings } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { localFilesOf } from '../integrations/storage/local';
import { keyOfStoredRef } from '../integrations/storage/stored-ref';
import { courseFor, type Door } from './course-access';
import { appendEvents } from './course-events';
import { queueIndexTx } from './playback-build';
import { hasEnded } from './course-state';
import { type Caller } from './schemas';

/**
 * The local storage key of a stored video reference: a `storage:<key>` reference (stored-ref.ts), or a URL this server
 * serves under /storage/ (rows from before references); null for anything else (Tencent URLs).
 */
function ownStorageKey(ctx: ServiceCtx, url: string): string | null {
  if (ctx.storage.name !== 'local') return null;
  const stored = keyOfStoredRef(url);
  if (stored !== null) return stored;
  // The provider's URL prefix: its URL of a one-character key, minus that character.
  const base = ctx.storage.publicUrl('x').slice(0, -1);
  if (!url.startsWith(base)) return null;
  const raw = url.slice(base.length).split(/[?#]/)[0] ?? '';
  try {
    const key = decodeURIComponent(raw);
    return key.length > 0 ? key : null;
  } catch {
    return null;
  }
}

export async function deleteRecording(
  ctx: ServiceCtx,
  caller: Caller,
  input: { roomnum: number; recordingId: number },
  door: Door,
): Promise<{ storageDeleted: boolean; unpublished: boolean }> {
  const c = await courseFor(ctx, caller, input.roomnum, { need: 'teach', door });
  if (!hasEnded(c)) throw new AppError('COURSE_STATE', 'recordings are managed once the course has ended');
  const now = ctx.clock.nowS();
  const { row: rec, unpublished } = await inTransaction(ctx.db, async (tx) => {
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
        uid: caller.uid,
        role: caller.role,
        detail: { recording_id: row.id, file_id: row.fileId, video_url: row.videoUrl },
      },
    ]);
    // The same re-queue as the console's "retry" (fresh attempt budget, due now), inside this transaction.
    await queueIndexTx(tx, c.roomnum, now);
    const left = first(await tx.select({ n: count() }).from(recordings).where(eq(recordings.roomnum, c.roomnum)));
    if ((left?.n ?? 0) > 0) return { row, unpublished: false };
    const withdrawn = await tx
      .update(courses)
      .set({ playbackPublished: false })
      .where(and(eq(courses.roomnum, c.roomnum), eq(courses.playbackPublished, true)))
      .returning({ roomnum: courses.roomnum });
    return { row, unpublished: withdrawn.length > 0 };
  });
  const key = ownStorageKey(ctx, rec.videoUrl);
  if (key === null) return { storageDeleted: false, unpublished };
  // Another recording row may still point at the same object (the demo shares one clip): keep it then.
  const still = await ctx.db
    .select({ id: recordings.id })
    .from(recordings)
    .where(eq(recordings.videoUrl, rec.videoUrl))
    .limit(1);
  if (still.length > 0) return { storageDeleted: false, unpublished };
  try {
    return { storageDeleted: (await localFilesOf(ctx.storage)?.remove(key)) ?? false, unpublished };
  } catch (e) {
    // The row is gone either way; a file left behind is only disk space.
    ctx.log.warn({ roomnum: c.roomnum, key, err: (e as Error).message }, 'recording file could not be removed');
    return { storageDeleted: false, unpublished };
  }
}
