/**
 * Shared set-up for the recording / playback tests: a whole lesson through the real services (accounts, course,
 * courseware, start, students in and out, end) on a fixed clock, a Tencent-shaped event-100 recording callback, and
 * the playback index JSON Schema compiled with ajv (every index a test builds is validated with it).
 */
import { createHash } from 'node:crypto';
import Ajv from 'ajv';
import schema from '../../docs/playback-index.schema.json';
import type { ServiceCtx } from '../context';
import type { fixedClock } from '../clock';
import { bindFile, bindTargetFor } from '../services/courseware';
import { createCourse, endCourse, startCourse } from '../services/courses';
import { reportMember } from '../services/members';
import type { Caller } from '../services/schemas';
import { seedAccounts } from './legacy-fixtures';
import { asTeacher, taughtCourse, type Teacher } from '../services/course-access';

type Ctx = ServiceCtx & { clock: ReturnType<typeof fixedClock> };

export interface Lesson {
  roomnum: number;
  teacher: Teacher;
  students: Caller[];
  /** Unix times of the lesson's steps. */
  begin: number;
  end: number;
}

/**
 * Runs a lesson: teacher `teacherUid` creates it, binds a PDF, starts it; each student enters 10 s later; the first
 * student leaves after 60 s; the teacher ends it 120 s after the start. Accounts are created when missing.
 */
export async function runLesson(
  ctx: Ctx,
  opts: { teacherUid?: string; students?: string[]; title?: string } = {},
): Promise<Lesson> {
  const teacherUid = opts.teacherUid ?? 'teacher1';
  const studentUids = opts.students ?? ['stu1', 'stu2'];
  const existing = new Set((await ctx.db.query.users.findMany({ columns: { uid: true } })).map((u) => u.uid));
  if (!existing.has(teacherUid)) await seedAccounts(ctx, [teacherUid], 1);
  const fresh = studentUids.filter((u) => !existing.has(u));
  if (fresh.length) await seedAccounts(ctx, fresh, 0);
  const appid = ctx.env.SDKAPPID;
  const teacher = asTeacher({ uid: teacherUid, role: 1, appid });
  const students: Caller[] = studentUids.map((uid) => ({ uid, role: 0, appid }));
  const { roomnum } = await createCourse(ctx, teacher, { title: opts.title ?? 'Algebra 1' });
  await bindFile(ctx, await bindTargetFor(ctx, teacher, roomnum), {
    type: 0,
    file_name: 'slides.pdf',
    url: 'http://files.example/slides.pdf',
  });
  await startCourse(ctx, await taughtCourse(ctx, teacher, roomnum), { timeStamp: ctx.clock.nowS() });
  const begin = ctx.clock.nowS();
  ctx.clock.advance(10);
  for (const s of students) await reportMember(ctx, s, { roomnum, operate: 0, timeStamp: ctx.clock.nowS() });
  ctx.clock.advance(60);
  if (students[0]) await reportMember(ctx, students[0], { roomnum, operate: 1, timeStamp: ctx.clock.nowS() });
  ctx.clock.advance(50);
  await endCourse(ctx, await taughtCourse(ctx, teacher, roomnum), { timeStamp: ctx.clock.nowS() });
  return { roomnum, teacher, students, begin, end: ctx.clock.nowS() };
}

export const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** A Tencent event-100 payload for `roomnum`, pushed by `uid` (base64 in stream_param, as the 2017 clients did). */
export function recordingCallback(
  roomnum: number,
  uid: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    event_type: 100,
    appid: 1250000000,
    stream_id: `s${roomnum}`,
    channel_id: `s${roomnum}`,
    file_id: '9031868223267109922',
    record_file_id: '9031868223267109922',
    file_format: 'hls',
    start_time: 1_800_000_000,
    end_time: 1_800_000_120,
    duration: 120,
    file_size: 1_349_000,
    media_start_time: 2931,
    stream_param: `groupid=${roomnum}&userid=${Buffer.from(uid).toString('base64')}&record=hls`,
    task_id: '479501701',
    video_id: '5158_e9a4b1c2',
    video_url: `http://1250000000.vod2.myqcloud.com/vod/${roomnum}/playlist.m3u8`,
    ...over,
  };
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

/** Throws with ajv's errors unless `doc` is a valid playback index (docs/playback-index.schema.json). */
export function assertValidPlaybackIndex(doc: unknown): void {
  if (!validate(doc))
    throw new Error(
      `playback index does not match its schema:\n${ajv.errorsText(validate.errors, { separator: '\n' })}`,
    );
}
