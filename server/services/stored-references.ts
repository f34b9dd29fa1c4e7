/**
 * Whether anything in the database still names a stored object: every column that holds a stored reference
 * (stored-ref.ts) — a recording's video, a file bound to a course or a library, a course's cover, a course's playback
 * index. Read inside the transaction that drops a reference, so the answer and the drop are one decision: SQLite
 * holds its single writer meanwhile and PostgreSQL runs it SERIALIZABLE, so a reference added concurrently either
 * commits first (and is seen here) or after (it names a file already gone, like binding any missing URL).
 * The course event log also names files (file_bound, recording details) but is history, not a reference.
 */
import { inArray, or } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { boundFiles, courses, recordings } from '../../db/schema';

/** True when some row still holds one of `forms` (the spellings of one object's reference: `storage:<key>`, URLs). */
export async function storedObjectReferencedTx(tx: Tx, forms: readonly string[]): Promise<boolean> {
  const values = [...new Set(forms)];
  if (values.length === 0) return false;
  const probes = [
    tx.select({ one: recordings.id }).from(recordings).where(inArray(recordings.videoUrl, values)).limit(1),
    tx.select({ one: boundFiles.id }).from(boundFiles).where(inArray(boundFiles.url, values)).limit(1),
    tx
      .select({ one: courses.roomnum })
      .from(courses)
      .where(or(inArray(courses.cover, values), inArray(courses.playbackIdxUrl, values)))
      .limit(1),
  ];
  // One after another: a transaction's statements share one connection on both engines.
  for (const probe of probes) if ((await probe).length > 0) return true;
  return false;
}
