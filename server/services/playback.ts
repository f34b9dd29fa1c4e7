/**
 * Playback: the course timeline (start, joins/leaves, recording segments, courseware, end), the index-ready callback
 * of Tencent's (defunct) replay service, and the teacher's "retry" of a failed index. The index document itself is
 * assembled in playback-index.ts from the same timeline. The job that writes indexes is server/jobs/build-playback-index.ts; the console calls
 * `courseTimeline` and `requeuePlaybackIndex`, so the console and the index agree by construction.
 * Index format: docs/playback-index.md (JSON Schema: docs/playback-index.schema.json).
 */
import { inTransaction } from '../../db/client';
import type { CourseEvent, Recording } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { endingOf, eventDetail, listCourseEvents, memberLeftAt } from './course-events';
import { getCourse, type TaughtCourse } from './course-access';
import { markPlaybackReadyTx, noteIndexError, queueIndexTx } from './playback-build';
import { listRecordings } from './recordings';
import { hasEnded } from './course-state';

export type TimelineItem =
  | { kind: 'start'; at: number; uid: string }
  | { kind: 'join'; at: number; uid: string; role: number }
  /** `reason` timeout: the sweeper noticed silence; `at` is then the member's last heartbeat. */
  | { kind: 'leave'; at: number; uid: string; role: number; reason: 'exit' | 'timeout' }
  | {
      kind: 'recording';
      /** Start of the recording (unix s); `endAt` its end. */
      at: number;
      endAt: number;
      uid: string;
      recordingId: number;
      fileId: string;
      videoId: string;
      videoUrl: string;
      mediaStartTime: number;
      duration: number;
      fileSize: number;
      imSeq: number;
    }
  | {
      kind: 'courseware_bound' | 'courseware_unbound';
      at: number;
      uid: string;
      fileType: number;
      fileName: string;
      url: string;
    }
  /** `silentS` (timeout only): how long the teacher had been silent when the sweeper ended it; null if unknown. */
  | { kind: 'end'; at: number; uid: string; reason: 'teacher' | 'timeout'; silentS: number | null };

interface CourseTimeline {
  roomnum: number;
  title: string;
  hostUid: string;
  state: number;
  beginTime: number;
  endTime: number;
  /** Ordered by time; at equal times: start, joins, courseware, recordings, leaves, end. */
  items: TimelineItem[];
}

const RANK: Record<TimelineItem['kind'], number> = {
  start: 0,
  join: 1,
  courseware_bound: 2,
  courseware_unbound: 2,
  recording: 3,
  leave: 4,
  end: 5,
};

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function eventItem(e: CourseEvent): TimelineItem | null {
  switch (e.kind) {
    case 'started':
      return { kind: 'start', at: e.at, uid: e.uid };
    case 'member_enter':
      return { kind: 'join', at: e.at, uid: e.uid, role: e.role };
    case 'member_exit':
      return { kind: 'leave', at: e.at, uid: e.uid, role: e.role, reason: 'exit' };
    case 'member_timeout':
      return { kind: 'leave', at: memberLeftAt(e), uid: e.uid, role: e.role, reason: 'timeout' };
    case 'file_bound':
    case 'file_unbound': {
      const d = eventDetail(e);
      return {
        kind: e.kind === 'file_bound' ? 'courseware_bound' : 'courseware_unbound',
        at: e.at,
        uid: e.uid,
        fileType: num(d.type),
        fileName: str(d.file_name),
        url: str(d.url),
      };
    }
    case 'ended':
    case 'ended_by_sweeper': {
      const end = endingOf(e)!;
      return {
        kind: 'end',
        at: e.at,
        uid: e.uid,
        reason: end.reason,
        silentS: end.reason === 'timeout' ? end.silentS : null,
      };
    }
    default:
      // 'created' is not part of a lesson; 'recording' events are covered by the recordings table itself.
      return null;
  }
}

function recordingItem(r: Recording): TimelineItem {
  return {
    kind: 'recording',
    at: r.startTime,
    endAt: r.endTime,
    uid: r.uid,
    recordingId: r.id,
    fileId: r.fileId,
    videoId: r.videoId,
    videoUrl: r.videoUrl,
    mediaStartTime: r.mediaStartTime,
    duration: r.duration,
    fileSize: r.fileSize,
    imSeq: r.imSeq,
  };
}

/** Pure: merges events and recordings into one ordered timeline. */
export function timelineFrom(events: CourseEvent[], recs: Recording[]): TimelineItem[] {
  const items: { item: TimelineItem; seq: number }[] = [];
  let seq = 0;
  for (const e of events) {
    const item = eventItem(e);
    if (item) items.push({ item, seq: seq++ });
  }
  for (const r of recs) items.push({ item: recordingItem(r), seq: seq++ });
  items.sort((a, b) => a.item.at - b.item.at || RANK[a.item.kind] - RANK[b.item.kind] || a.seq - b.seq);
  return items.map((i) => i.item);
}

/**
 * The timeline with its stored file references (recordings, courseware) turned into URLs by `urlOf` (publicUrlOf with
 * the caller's base): the rows keep `storage:<key>`, answers carry URLs.
 */
export function timelineWithUrls(items: TimelineItem[], urlOf: (stored: string) => string): TimelineItem[] {
  return items.map((i) =>
    i.kind === 'recording'
      ? { ...i, videoUrl: urlOf(i.videoUrl) }
      : i.kind === 'courseware_bound' || i.kind === 'courseware_unbound'
        ? { ...i, url: urlOf(i.url) }
        : i,
  );
}

/**
 * The course's timeline. No authorization here: callers decide who may see it (the console: its teacher, or a
 * student who attended a published playback). Throws ROOM_NOT_FOUND.
 */
export async function courseTimeline(ctx: ServiceCtx, roomnum: number): Promise<CourseTimeline> {
  const c = await getCourse(ctx, roomnum);
  const [events, recs] = await Promise.all([listCourseEvents(ctx, roomnum), listRecordings(ctx, roomnum)]);
  return {
    roomnum: c.roomnum,
    title: c.title,
    hostUid: c.hostUid,
    state: c.state,
    beginTime: c.beginTime,
    endTime: c.endTime,
    items: timelineFrom(events, recs),
  };
}

/**
 * The console's "retry": queues the course's index for (re)building now, with a fresh attempt budget. Only the
 * course's teacher (`c` from the door), only once the course has ended. Throws COURSE_STATE.
 */
export async function requeuePlaybackIndex(
  ctx: ServiceCtx,
  c: TaughtCourse,
): Promise<{ indexStatus: 'pending'; indexDueAt: number }> {
  if (!hasEnded(c) || c.indexStatus === 'none') {
    throw new AppError('COURSE_STATE', 'a playback index is built once the course has ended');
  }
  const now = ctx.clock.nowS();
  const queued = await inTransaction(ctx.db, (tx) => queueIndexTx(tx, c.roomnum, now));
  if (!queued) throw new AppError('COURSE_STATE', 'a playback index is built once the course has ended');
  return { indexStatus: 'pending', indexDueAt: now };
}

interface ReplayIndexCallback {
  roomnum: number;
  errorCode: number;
  errorInfo: string;
  replayIndex?: { fileUrl: string; createTime: number };
}

/**
 * `live/idxfileendcall`: the result of Tencent's 2017 replay-index service. The course must exist and have ended
 * (state 2 or 3). Success → state 3 with that FileUrl (our own job then leaves it alone); a failure code is recorded in
 * index_error and the course keeps its state (our own index job still builds one). Throws ROOM_NOT_FOUND, COURSE_STATE,
 * BAD_INPUT (success without ReplayIndex).
 */
export async function applyReplayIndexCallback(ctx: ServiceCtx, input: ReplayIndexCallback): Promise<void> {
  const c = await getCourse(ctx, input.roomnum);
  if (!hasEnded(c)) throw new AppError('COURSE_STATE', 'the course has not ended');
  if (input.errorCode === 0) {
    if (!input.replayIndex) throw new AppError('BAD_INPUT', 'ReplayIndex: required when ErrorCode is 0');
    const fileUrl = input.replayIndex.fileUrl;
    if (!(await inTransaction(ctx.db, (tx) => markPlaybackReadyTx(tx, c.roomnum, fileUrl))))
      throw new AppError('COURSE_STATE', 'the course has not ended');
    ctx.log.info({ roomnum: c.roomnum, fileUrl }, 'replay index callback: playback ready');
    return;
  }
  const error = `replay index service: ${input.errorCode} ${input.errorInfo}`.trim().slice(0, 500);
  await noteIndexError(ctx, c.roomnum, error);
  ctx.log.warn(
    { roomnum: c.roomnum, errorCode: input.errorCode, errorInfo: input.errorInfo },
    'replay index callback: failure recorded',
  );
}
