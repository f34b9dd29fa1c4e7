/**
 * The playback index document (version 1), assembled from the course timeline (playback.ts), its recordings and the
 * IM messages between begin_imseq and end_imseq. Keys are snake_case like the rest of the legacy protocol.
 * Written by server/jobs/build-playback-index.ts. Format: docs/playback-index.md (JSON Schema beside it).
 */
import type { Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import type { TimElem } from '../integrations/im/types';
import { listCourseEvents, memberStays } from './course-events';
import { publicUrlOf } from '../integrations/storage/stored-ref';
import { timelineFrom, timelineWithUrls, type TimelineItem } from './playback';
import { listRecordings } from './recordings';

const PLAYBACK_INDEX_VERSION = 1;

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

function coursewareFrom(items: TimelineItem[]): PlaybackIndex['courseware'] {
  const out: PlaybackIndex['courseware'] = [];
  for (const it of items) {
    if (it.kind === 'courseware_bound')
      out.push({ type: it.fileType, file_name: it.fileName, url: it.url, bound_at: it.at, unbound_at: null });
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
  const [events, recs] = await Promise.all([
    listCourseEvents(ctx, course.roomnum),
    listRecordings(ctx, course.roomnum),
  ]);
  // The index is a static file: the URLs in it are built once, at PUBLIC_BASE_URL (docs/playback-index.md).
  const urlOf = (stored: string) => publicUrlOf(ctx.storage, stored);
  const items = timelineWithUrls(timelineFrom(events, recs), urlOf);
  const from = course.beginImseq;
  const to = Math.max(course.endImseq, course.beginImseq);
  const history =
    from > 0
      ? await ctx.im.groupMessages(String(course.roomnum), from, to)
      : { messages: [], complete: true, note: 'the course never started: no message range' };
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
      cover: urlOf(course.cover),
      begin_time: course.beginTime,
      end_time: course.endTime,
      begin_imseq: course.beginImseq,
      end_imseq: course.endImseq,
      last_rec_imseq: course.lastRecImseq,
    },
    recordings: recs.map((r) => ({
      file_id: r.fileId,
      video_id: r.videoId,
      video_url: urlOf(r.videoUrl),
      uid: r.uid,
      start_time: r.startTime,
      end_time: r.endTime,
      media_start_time: r.mediaStartTime,
      duration: r.duration,
      file_size: r.fileSize,
      im_seq: r.imSeq,
    })),
    members: memberStays(events),
    courseware: coursewareFrom(items),
    timeline: items.map(snakeItem),
    messages,
  };
}
