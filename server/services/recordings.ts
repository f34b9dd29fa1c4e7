/**
 * Recordings reported by Tencent's live-recording callback (event 100), once the door has authenticated the notice
 * (live-callback-auth.ts). Callers: `live/recendcall` / `live/reccall` (the callback), the playback index job and the
 * console (listRecordings). Rules kept here: a recording is stored once per (course, file id) however often Tencent
 * delivers it; IM 1004 announces it and its MsgSeq is kept.
 */
import { publicUrlOf, storedRefOfUrl } from '../integrations/storage/stored-ref';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { first, inTransaction } from '../../db/client';
import { greatest } from '../../db/dialect';
import { courses, recordings, users, type Recording } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { IM_MSG } from '../integrations/im/types';
import { appendEvents } from './course-events';
import { imPayload, sendCourseIm } from './course-im';
import { queueIndexTx } from './playback-build';
import { userIdInput } from './schemas';

/** Live (CSS) event types this server knows (tencent-protocols.md §5). Only 100 changes anything. */
export const LIVE_EVENT = { STREAM_ENDED: 0, STREAM_STARTED: 1, RECORDING_READY: 100, SNAPSHOT_READY: 200 } as const;

const intField = z.union([
  z
    .number()
    .int()
    .min(0)
    .max(2 ** 53 - 1),
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be an integer')
    .transform(Number),
]);
const httpUrl = z
  .string()
  .max(2048, 'at most 2048 characters')
  .refine((u) => /^https?:\/\/[^\s]+$/i.test(u), 'must be an http(s) URL');
const fileIdField = z.union([
  z.string().min(1).max(128),
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String),
]);

/** The fields event 100 must carry (the 2017 demo required the same ones). */
export const recordingReadyInput = z
  .object({
    stream_param: z.string().max(4096).optional(),
    file_id: fileIdField.optional(),
    record_file_id: fileIdField.optional(),
    video_id: z.string().min(1).max(256),
    video_url: httpUrl,
    start_time: intField,
    end_time: intField,
    media_start_time: intField,
    file_size: intField,
    duration: intField,
  })
  .refine((r) => r.end_time >= r.start_time, { message: 'must not be before start_time', path: ['end_time'] });
type RecordingReadyInput = z.infer<typeof recordingReadyInput>;

/**
 * The push URL's query string as the 2017 clients built it: `groupid=<room number>&userid=<base64 of uid>`.
 * Parsed by hand because base64 may hold `+`, which form decoding would turn into a space.
 */
export function parseStreamParam(streamParam: string | undefined): { roomnum: number | null; uid: string | null } {
  const out: { roomnum: number | null; uid: string | null } = { roomnum: null, uid: null };
  if (!streamParam) return out;
  for (const part of streamParam.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      continue;
    }
    const name = part.slice(0, eq);
    if (name === 'groupid' && /^[1-9]\d{0,15}$/.test(value) && Number.isSafeInteger(Number(value)))
      out.roomnum = Number(value);
    if (name === 'userid' && /^[A-Za-z0-9+/_-]{1,64}={0,2}$/.test(value)) {
      const uid = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
      if (userIdInput.safeParse(uid).success) out.uid = uid;
    }
  }
  return out;
}

type RecordingOutcome =
  | { stored: true; recordingId: number; imSeq: number }
  | { stored: false; reason: 'duplicate' | 'unknown_course' | 'unknown_user' };

/**
 * Stores a recording from event 100, idempotently. A callback for an unknown course or user stores nothing and is
 * acknowledged (a retry would not help). The row is claimed first (unique roomnum + file id), so concurrent retries
 * send IM 1004 once; if IM fails the claim is released and IM_SEND_FAILED makes Tencent retry later.
 * In one transaction: the IM seq on the row, courses.last_rec_imseq, a 'recording' course event, and a re-queue of an
 * already built (or failed) playback index so it picks the new file up. Throws IM_SEND_FAILED.
 */
export async function recordRecording(ctx: ServiceCtx, input: RecordingReadyInput): Promise<RecordingOutcome> {
  const { roomnum, uid } = parseStreamParam(input.stream_param);
  const log = ctx.log.child({ callback: 'recording', roomnum, uid, file_id: input.file_id ?? input.record_file_id });
  const course =
    roomnum === null
      ? undefined
      : await ctx.db.query.courses.findFirst({
          where: and(eq(courses.roomnum, roomnum), eq(courses.appid, ctx.env.SDKAPPID)),
        });
  if (!course) {
    log.warn(
      { stream_param: input.stream_param },
      'recording callback for an unknown course: acknowledged, nothing stored',
    );
    return { stored: false, reason: 'unknown_course' };
  }
  const user =
    uid === null
      ? undefined
      : await ctx.db.query.users.findFirst({ columns: { uid: true }, where: eq(users.uid, uid) });
  if (!user) {
    log.warn(
      { stream_param: input.stream_param },
      'recording callback for an unknown user: acknowledged, nothing stored',
    );
    return { stored: false, reason: 'unknown_user' };
  }
  const fileId = input.file_id ?? input.record_file_id ?? input.video_id;
  // Tencent's own URL is kept as is; a URL of this server's storage (demo data, local tests) is stored as its key.
  const videoRef = storedRefOfUrl(ctx.storage, ctx.env, input.video_url);
  const now = ctx.clock.nowS();
  const claimed = await inTransaction(ctx.db, async (tx) =>
    first(
      await tx
        .insert(recordings)
        .values({
          roomnum: course.roomnum,
          uid: user.uid,
          fileId,
          videoId: input.video_id,
          videoUrl: videoRef,
          startTime: input.start_time,
          endTime: input.end_time,
          mediaStartTime: input.media_start_time,
          fileSize: input.file_size,
          duration: input.duration,
          imSeq: 0,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: recordings.id }),
    ),
  );
  if (!claimed) {
    log.info('recording callback repeated: already stored');
    return { stored: false, reason: 'duplicate' };
  }

  const value = {
    uid: user.uid,
    start_time: input.start_time,
    end_time: input.end_time,
    media_start_time: input.media_start_time,
    file_size: input.file_size,
    duration: input.duration,
    video_id: input.video_id,
    video_url: publicUrlOf(ctx.storage, videoRef),
  };
  let seq: number;
  try {
    seq = await sendCourseIm(ctx, String(course.roomnum), imPayload(ctx, IM_MSG.RECORDING_READY, now, value), user.uid);
  } catch (e) {
    await inTransaction(ctx.db, (tx) => tx.delete(recordings).where(eq(recordings.id, claimed.id)));
    throw e;
  }

  await inTransaction(ctx.db, async (tx) => {
    await tx.update(recordings).set({ imSeq: seq }).where(eq(recordings.id, claimed.id));
    await tx
      .update(courses)
      .set({ lastRecImseq: greatest(tx, courses.lastRecImseq, seq) })
      .where(eq(courses.roomnum, course.roomnum));
    await queueIndexTx(tx, course.roomnum, now + ctx.env.REPLAY_INDEX_DELAY_S, 'built');
    await appendEvents(tx, [
      {
        roomnum: course.roomnum,
        at: now,
        kind: 'recording',
        uid: user.uid,
        detail: { recording_id: claimed.id, file_id: fileId, video_url: videoRef, im_seq: seq },
      },
    ]);
  });
  log.info({ imSeq: seq }, 'recording stored');
  return { stored: true, recordingId: claimed.id, imSeq: seq };
}

/** A course's recordings in time order (start time, then arrival). Callers: playback index job, console, VOD proxy. */
export async function listRecordings(ctx: ServiceCtx, roomnum: number): Promise<Recording[]> {
  return ctx.db
    .select()
    .from(recordings)
    .where(eq(recordings.roomnum, roomnum))
    .orderBy(asc(recordings.startTime), asc(recordings.id));
}
