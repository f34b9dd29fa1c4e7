/**
 * Playback: the course timeline (start, joins/leaves, recording segments, courseware, end), the versioned playback
 * index document built from it, the index-ready callback of Tencent's (defunct) replay service, and the teacher's
 * "retry" of a failed index. The job that writes indexes is server/jobs/build-playback-index.ts; the console calls
 * `courseTimeline` and `requeuePlaybackIndex`, so the console and the index agree by construction.
 * Index format: docs/playback-index.md (JSON Schema: docs/playback-index.schema.json).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { courses, type Course, type CourseEvent, type Recording } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import type { TimElem } from '../integrations/im/types';
import { listCourseEvents } from './course-events';
import { getCourse, getOwnCourse } from './courses';
import { listRecordings } from './recordings';
import { COURSE_STATE, type Caller } from './schemas';

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
  | { kind: 'courseware_bound' | 'courseware_unbound'; at: number; uid: string; fileType: number; fileName: string; url: string }
  | { kind: 'end'; at: number; uid: string; reason: 'teacher' | 'timeout' };

export interface CourseTimeline {
  roomnum: number;
  title: string;
  hostUid: string;
  state: number;
  beginTime: number;
  endTime: number;
  /** Ordered by time; at equal times: start, joins, courseware, recordings, leaves, end. */
  items: TimelineItem[];
}

const RANK: Record<TimelineItem['kind'], number> = { start: 0, join: 1, courseware_bound: 2, courseware_unbound: 2, recording: 3, leave: 4, end: 5 };

function detailOf(e: CourseEvent): Record<string, unknown> {
  if (!e.detail) return {};
  try {
    const d: unknown = JSON.parse(e.detail);
    return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

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
    case 'member_timeout': {
      // The member really left at their last heartbeat; the sweeper only noticed later.
      const hb = detailOf(e).lastHeartbeat;
      return { kind: 'leave', at: typeof hb === 'number' && hb <= e.at ? hb : e.at, uid: e.uid, role: e.role, reason: 'timeout' };
    }
    case 'file_bound':
    case 'file_unbound': {
      const d = detailOf(e);
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
    case 'ended_by_sweeper':
      return { kind: 'end', at: e.at, uid: e.uid, reason: e.kind === 'ended' ? 'teacher' : 'timeout' };
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
 * The course's timeline. No authorization here: callers decide who may see it (the console: its teacher, or a
 * student who attended a published playback). Throws ROOM_NOT_FOUND.
 */
export async function courseTimeline(ctx: ServiceCtx, roomnum: number): Promise<CourseTimeline> {
  const c = await getCourse(ctx, roomnum);
  const [events, recs] = await Promise.all([listCourseEvents(ctx, roomnum), listRecordings(ctx, roomnum)]);
  return { roomnum: c.roomnum, title: c.title, hostUid: c.hostUid, state: c.state, beginTime: c.beginTime, endTime: c.endTime, items: timelineFrom(events, recs) };
}

// ---------------------------------------------------------------------------------------------------------------
// The playback index document (version 1). Keys are snake_case like the rest of the legacy protocol.

export const PLAYBACK_INDEX_VERSION = 1;

type SnakeTimelineItem = Record<string, string | number>;

export interface PlaybackIndex {
  version: typeof PLAYBACK_INDEX_VERSION;
  generated_at: number;
  course: {
    roomnum: number;
    groupid: string;
    title: string;
    host_uid: string;
    cover: string;
    begin_time: number;
    end_time: number;
    begin_imseq: number;
    end_imseq: number;
    last_rec_imseq: number;
  };
  recordings: {
    file_id: string;
    video_id: string;
    video_url: string;
    uid: string;
    start_time: number;
    end_time: number;
    media_start_time: number;
    duration: number;
    file_size: number;
    im_seq: number;
  }[];
  members: { uid: string; role: number; sessions: { join: number; leave: number | null }[] }[];
  courseware: { type: number; file_name: string; url: string; bound_at: number; unbound_at: number | null }[];
  timeline: SnakeTimelineItem[];
  messages: {
    from_seq: number;
    to_seq: number;
    /** False when the IM provider could not return the whole range (e.g. an AVChatRoom keeps no history). */
    complete: boolean;
    note?: string;
    source: 'local' | 'tencent';
    count: number;
    items: { seq: number; time: number; from: string; body: TimElem[] }[];
  };
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function snakeItem(item: TimelineItem): SnakeTimelineItem {
  const out: SnakeTimelineItem = {};
  for (const [k, v] of Object.entries(item)) out[snake(k)] = v as string | number;
  return out;
}

function membersFrom(items: TimelineItem[]): PlaybackIndex['members'] {
  const byUid = new Map<string, PlaybackIndex['members'][number]>();
  for (const it of items) {
    if (it.kind === 'join') {
      let m = byUid.get(it.uid);
      if (!m) byUid.set(it.uid, (m = { uid: it.uid, role: it.role, sessions: [] }));
      const last = m.sessions.at(-1);
      if (!last || last.leave !== null) m.sessions.push({ join: it.at, leave: null });
    } else if (it.kind === 'leave') {
      const last = byUid.get(it.uid)?.sessions.at(-1);
      if (last && last.leave === null) last.leave = Math.max(last.join, it.at);
    }
  }
  return [...byUid.values()];
}

function coursewareFrom(items: TimelineItem[]): PlaybackIndex['courseware'] {
  const out: PlaybackIndex['courseware'] = [];
  for (const it of items) {
    if (it.kind === 'courseware_bound') out.push({ type: it.fileType, file_name: it.fileName, url: it.url, bound_at: it.at, unbound_at: null });
    if (it.kind === 'courseware_unbound') {
      const open = [...out].reverse().find((f) => f.url === it.url && f.unbound_at === null);
      if (open) open.unbound_at = it.at;
    }
  }
  return out;
}

/**
 * Assembles the index of an ended course (network: the IM history; no writes). Messages are those with
 * begin_imseq ≤ MsgSeq ≤ end_imseq; in tencent mode the provider merges Tencent's history with our own message log and
 * says when the history is incomplete, which the index repeats.
 */
export async function assemblePlaybackIndex(ctx: ServiceCtx, course: Course): Promise<PlaybackIndex> {
  const [events, recs] = await Promise.all([listCourseEvents(ctx, course.roomnum), listRecordings(ctx, course.roomnum)]);
  const items = timelineFrom(events, recs);
  const from = course.beginImseq;
  const to = Math.max(course.endImseq, course.beginImseq);
  const history = from > 0 ? await ctx.im.groupMessages(String(course.roomnum), from, to) : { messages: [], complete: true, note: 'the course never started: no message range' };
  const messages: PlaybackIndex['messages'] = {
    from_seq: from,
    to_seq: to,
    complete: history.complete,
    source: ctx.im.name,
    count: history.messages.length,
    items: history.messages.map((m) => ({ seq: m.msgSeq, time: m.msgTime, from: m.fromAccount, body: m.msgBody })),
  };
  if (history.note) messages.note = history.note;
  return {
    version: PLAYBACK_INDEX_VERSION,
    generated_at: ctx.clock.nowS(),
    course: {
      roomnum: course.roomnum,
      groupid: String(course.roomnum),
      title: course.title,
      host_uid: course.hostUid,
      cover: course.cover,
      begin_time: course.beginTime,
      end_time: course.endTime,
      begin_imseq: course.beginImseq,
      end_imseq: course.endImseq,
      last_rec_imseq: course.lastRecImseq,
    },
    recordings: recs.map((r) => ({
      file_id: r.fileId,
      video_id: r.videoId,
      video_url: r.videoUrl,
      uid: r.uid,
      start_time: r.startTime,
      end_time: r.endTime,
      media_start_time: r.mediaStartTime,
      duration: r.duration,
      file_size: r.fileSize,
      im_seq: r.imSeq,
    })),
    members: membersFrom(items),
    courseware: coursewareFrom(items),
    timeline: items.map(snakeItem),
    messages,
  };
}

const ENDED_STATES = [COURSE_STATE.ENDED, COURSE_STATE.PLAYBACK];

/**
 * The console's "retry": queues the course's index for (re)building now, with a fresh attempt budget. Only the
 * course's teacher, only once the course has ended. Throws ROOM_NOT_FOUND, NO_PRIVILEGE, COURSE_STATE.
 */
export async function requeuePlaybackIndex(
  ctx: ServiceCtx,
  caller: Caller,
  roomnum: number,
): Promise<{ indexStatus: 'pending'; indexDueAt: number }> {
  const c = await getOwnCourse(ctx, caller, roomnum);
  if (!ENDED_STATES.includes(c.state as 2 | 3) || c.indexStatus === 'none') {
    throw new AppError('COURSE_STATE', 'a playback index is built once the course has ended');
  }
  const now = ctx.clock.nowS();
  const r = await ctx.db
    .update(courses)
    .set({ indexStatus: 'pending', indexDueAt: now, indexAttempts: 0, indexError: '' })
    .where(and(eq(courses.roomnum, roomnum), inArray(courses.state, ENDED_STATES)));
  if (r.changes === 0) throw new AppError('COURSE_STATE', 'a playback index is built once the course has ended');
  return { indexStatus: 'pending', indexDueAt: now };
}

export interface ReplayIndexCallback {
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
  if (!ENDED_STATES.includes(c.state as 2 | 3)) throw new AppError('COURSE_STATE', 'the course has not ended');
  const where = and(eq(courses.roomnum, c.roomnum), inArray(courses.state, ENDED_STATES));
  if (input.errorCode === 0) {
    if (!input.replayIndex) throw new AppError('BAD_INPUT', 'ReplayIndex: required when ErrorCode is 0');
    const r = await ctx.db
      .update(courses)
      .set({ state: COURSE_STATE.PLAYBACK, playbackIdxUrl: input.replayIndex.fileUrl, indexStatus: 'ready', indexError: '' })
      .where(where);
    if (r.changes === 0) throw new AppError('COURSE_STATE', 'the course has not ended');
    ctx.log.info({ roomnum: c.roomnum, fileUrl: input.replayIndex.fileUrl }, 'replay index callback: playback ready');
    return;
  }
  const error = `replay index service: ${input.errorCode} ${input.errorInfo}`.trim().slice(0, 500);
  await ctx.db.update(courses).set({ indexError: error }).where(where);
  ctx.log.warn({ roomnum: c.roomnum, errorCode: input.errorCode, errorInfo: input.errorInfo }, 'replay index callback: failure recorded');
}
