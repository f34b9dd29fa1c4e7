/**
 * `npm run demo-data`: fills a fresh database with a living classroom so a newcomer sees the console working within a
 * minute: a demo teacher (login printed), students, courses in every state with courseware, and history over the last
 * weeks — including an ended course with a recording (the committed fixture clip, served by local storage) and a
 * ready playback index. Everything goes through the same services the protocol and console use, with a clock moved
 * through the past, so the event log, attendance and timeline are real. Refuses to touch a database that already
 * has the demo teacher.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock';
import { closeServiceCtx, createServiceCtx, migrateDatabase, type ServiceCtx } from '../context';
import { loadEnv, publicBaseUrl, type Env } from '../env';
import { createLogger } from '../logger';
import { buildPlaybackIndexes } from '../jobs/build-playback-index';
import { createAccount, userExists } from '../services/accounts';
import { bindFile, bindTargetFor } from '../services/courseware';
import { createCourse, endCourse, startCourse } from '../services/courses';
import { recordHeartbeat, reportMember } from '../services/members';
import { recordRecording } from '../services/recordings';
import { ROLE } from '../services/course-state';
import { type Caller } from '../services/schemas';
import { setPlaybackPublished } from '../services/playback-access';
import { SERVER_KEY_PREFIX } from '../integrations/storage/keys';
import { storedRefOfKey } from '../integrations/storage/stored-ref';
import { count } from 'drizzle-orm';
import { courses, users } from '../../db/schema';
import { asTeacher, taughtCourse, type Teacher } from '../services/course-access';

export const DEMO_TEACHER = 'demo_teacher';
const STUDENTS = ['xiaoming', 'xiaohong', 'lilei', 'hanmeimei', 'zhangwei', 'wangfang'];
/**
 * Where the demo's files live: under a server-managed prefix (no client gets credentials to overwrite them), below a
 * random 128-bit segment made per seeding, so their public /storage/ URLs cannot be guessed.
 */
function demoKeys(): { clip: string; pdf: string } {
  const dir = `${SERVER_KEY_PREFIX.DEMO}${randomBytes(16).toString('hex')}/`;
  return { clip: `${dir}recordings/lesson-1.mp4`, pdf: `${dir}courseware/fractions.pdf` };
}
const FIXTURE_CLIP = path.join(process.cwd(), 'e2e', 'fixtures', 'demo-clip.mp4');
const DAY = 86400;

/** A clock the script moves through the past. */
function movableClock(startS: number): Clock & { set(s: number): void; advance(s: number): void } {
  let s = startS;
  return { nowMs: () => s * 1000, nowS: () => s, set: (v) => (s = v), advance: (d) => (s += d) };
}

/** The client-side password encoding (base64 of UTF-8), as the mobile clients and the console form send it. */
function clientPwd(plain: string): string {
  return Buffer.from(plain, 'utf8').toString('base64');
}

/** A one-page PDF made by hand (valid xref offsets), so the demo has a previewable courseware file. */
export function tinyPdf(text: string): Buffer {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    '',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 28 Tf 72 760 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  objs[3] = `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

interface Lesson {
  title: string;
  daysAgo: number;
  minutes: number;
  students: string[];
}

async function runLesson(
  ctx: ServiceCtx,
  clock: ReturnType<typeof movableClock>,
  teacher: Teacher,
  students: Caller[],
  l: Lesson,
  now: number,
) {
  clock.set(now - l.daysAgo * DAY - 2 * DAY);
  const { roomnum } = await createCourse(ctx, teacher, { title: l.title });
  clock.set(now - l.daysAgo * DAY);
  await startCourse(ctx, await taughtCourse(ctx, teacher, roomnum), { timeStamp: clock.nowS() });
  const attending = students.filter((s) => l.students.includes(s.uid));
  for (const [i, s] of attending.entries()) {
    clock.advance(20 + i * 7);
    await reportMember(ctx, s, { roomnum, operate: 0, timeStamp: clock.nowS() });
  }
  // A few heartbeats and one student leaving early, so attendance differs per student.
  for (let t = 0; t < l.minutes * 60; t += 600) {
    clock.advance(Math.min(600, l.minutes * 60 - t));
    await recordHeartbeat(ctx, teacher, roomnum);
    for (const s of attending) await recordHeartbeat(ctx, s, roomnum);
    // Written now, as the flush timer would have in real time (this clock jumps through the past).
    await ctx.presence.flush();
    if (t === 1200 && attending[1])
      await reportMember(ctx, attending[1], { roomnum, operate: 1, timeStamp: clock.nowS() });
  }
  await endCourse(ctx, await taughtCourse(ctx, teacher, roomnum), { timeStamp: clock.nowS() });
  return { roomnum, beginTime: now - l.daysAgo * DAY };
}

export interface DemoSummary {
  password: string;
  replayRoomnum: number;
  justEndedRoomnum: number;
  liveRoomnum: number;
  pastRoomnums: number[];
}

/** The database already holds accounts or courses and `--force` was not given: nothing was written. */
export class NotEmptyError extends Error {
  constructor(
    readonly users: number,
    readonly courses: number,
  ) {
    super(
      `The database is not empty (${users} accounts, ${courses} courses): demo data would mix with real data. ` +
        'Point DATABASE_URL at a fresh database, or run `npm run demo-data -- --force` to add the demo anyway.',
    );
  }
}

/**
 * Seeds the demo; null when the demo teacher already exists (nothing changed). A database with any account or course
 * is refused (NotEmptyError) unless `force`: demo students, courses and a published replay must not land among a
 * school's real ones by a mistyped DATABASE_URL.
 */
export async function seedDemoData(env: Env, now: number, opts: { force?: boolean } = {}): Promise<DemoSummary | null> {
  const clock = movableClock(now);
  // PostgreSQL is migrated here (SQLite migrates as it opens), as `npm start` does.
  await migrateDatabase(env);
  const ctx = createServiceCtx(env, { clock, log: createLogger('warn') });
  if (await userExists(ctx, DEMO_TEACHER)) {
    await closeServiceCtx(ctx);
    return null;
  }
  if (!opts.force) {
    const [u] = await ctx.db.select({ n: count() }).from(users);
    const [c] = await ctx.db.select({ n: count() }).from(courses);
    if ((u?.n ?? 0) > 0 || (c?.n ?? 0) > 0) {
      await closeServiceCtx(ctx);
      throw new NotEmptyError(u?.n ?? 0, c?.n ?? 0);
    }
  }
  const password = `demo-${randomBytes(4).toString('hex')}`;
  clock.set(now - 40 * DAY);
  await createAccount(ctx, { id: DEMO_TEACHER, pwd: clientPwd(password), role: ROLE.TEACHER });
  const teacher = asTeacher({ uid: DEMO_TEACHER, role: ROLE.TEACHER, appid: env.SDKAPPID });
  const students: Caller[] = [];
  for (const uid of STUDENTS) {
    await createAccount(ctx, { id: uid, pwd: clientPwd(password), role: ROLE.STUDENT });
    students.push({ uid, role: ROLE.STUDENT, appid: env.SDKAPPID });
  }

  // Files in local storage: the fixture clip (also the recording) and a one-page PDF.
  // Stored as `storage:<key>` references: URLs are built when answering, at whatever host and port serves them.
  const keys = demoKeys();
  const clip = fs.readFileSync(FIXTURE_CLIP);
  await ctx.storage.putObject(keys.clip, clip, { contentType: 'video/mp4' });
  const pdf = tinyPdf('Fractions - lesson notes');
  await ctx.storage.putObject(keys.pdf, pdf, { contentType: 'application/pdf' });
  const clipUrl = storedRefOfKey(keys.clip);
  const pdfUrl = storedRefOfKey(keys.pdf);
  /** Binds one of the demo's stored files (the PDF or the clip) to the library (0) or a course of the teacher's. */
  const bindDemoFile = async (roomnum: number, file: 'pdf' | 'clip') =>
    bindFile(
      ctx,
      await bindTargetFor(ctx, teacher, roomnum),
      file === 'pdf'
        ? { type: 0, file_name: 'fractions.pdf', url: pdfUrl }
        : { type: 1, file_name: 'lesson-1.mp4', url: clipUrl },
      file === 'pdf' ? { size: pdf.length, mime: 'application/pdf' } : { size: clip.length, mime: 'video/mp4' },
    );
  await bindDemoFile(0, 'pdf');

  // History over the last weeks (the dashboard chart), the newest one with a recording and a ready playback index.
  const history: Lesson[] = [
    { title: '分数的认识 Fractions', daysAgo: 1, minutes: 45, students: STUDENTS },
    { title: '小数加减法 Decimals', daysAgo: 4, minutes: 40, students: STUDENTS.slice(0, 4) },
    { title: '几何初步 Shapes', daysAgo: 9, minutes: 50, students: STUDENTS.slice(1, 6) },
    { title: '乘法口诀 Times tables', daysAgo: 16, minutes: 35, students: STUDENTS.slice(0, 3) },
    { title: 'Reading club: The Little Prince', daysAgo: 23, minutes: 60, students: STUDENTS },
  ];
  const past = [];
  for (const l of history) past.push(await runLesson(ctx, clock, teacher, students, l, now));
  const replay = past[0]!;

  // The recording of the newest lesson, reported as Tencent's live-recording callback would.
  clock.set(replay.beginTime + 45 * 60 + 30);
  await recordRecording(ctx, {
    stream_param: `groupid=${replay.roomnum}&userid=${Buffer.from(DEMO_TEACHER).toString('base64')}&record=mp4`,
    file_id: 'demo-recording-1',
    video_id: 'demo_video_1',
    video_url: clipUrl,
    start_time: replay.beginTime + 5,
    end_time: replay.beginTime + 17,
    media_start_time: 0,
    file_size: clip.length,
    duration: 12,
  });
  // Build every due playback index as the scheduler would (the clock is past each course's delay).
  clock.set(now);
  await buildPlaybackIndexes(ctx);
  await setPlaybackPublished(ctx, await taughtCourse(ctx, teacher, replay.roomnum), { published: true });

  // A class that ended minutes ago: state 2, its playback index still pending (the scheduler builds it shortly).
  const justEnded = await runLesson(
    ctx,
    clock,
    teacher,
    students,
    { title: '复习课 Review', daysAgo: 3000 / DAY, minutes: 45, students: STUDENTS.slice(0, 5) },
    now,
  );

  // Upcoming drafts with courseware, and one class live right now.
  clock.set(now - 3600);
  const draft1 = await createCourse(ctx, teacher, { title: '百分数 Percentages' });
  await bindDemoFile(draft1.roomnum, 'pdf');
  await createCourse(ctx, teacher, { title: '统计与概率 Statistics' });
  clock.set(now - 600);
  const live = await createCourse(ctx, teacher, { title: '方程 Equations (live)' });
  await bindDemoFile(live.roomnum, 'clip');
  await startCourse(ctx, await taughtCourse(ctx, teacher, live.roomnum), { timeStamp: clock.nowS() });
  for (const s of students.slice(0, 3)) {
    clock.advance(30);
    await reportMember(ctx, s, { roomnum: live.roomnum, operate: 0, timeStamp: clock.nowS() });
  }
  clock.set(now);
  await recordHeartbeat(ctx, teacher, live.roomnum);
  for (const s of students.slice(0, 3)) await recordHeartbeat(ctx, s, live.roomnum);

  // Writes the buffered heartbeats, then closes the database.
  await closeServiceCtx(ctx);
  return {
    password,
    replayRoomnum: replay.roomnum,
    justEndedRoomnum: justEnded.roomnum,
    liveRoomnum: live.roomnum,
    pastRoomnums: past.map((p) => p.roomnum),
  };
}

async function main() {
  const env = loadEnv();
  const demo = await seedDemoData(env, Math.floor(Date.now() / 1000), { force: process.argv.includes('--force') });
  if (!demo) {
    console.log(
      `The database already has demo data (user ${DEMO_TEACHER}); nothing changed. Use a fresh DATABASE_URL to make it again.`,
    );
    return;
  }
  const { password, replayRoomnum, justEndedRoomnum, liveRoomnum, pastRoomnums } = demo;
  const base = publicBaseUrl(env);
  console.log(
    [
      '',
      'Demo data ready.',
      `  Console:  ${base}/login`,
      `  Teacher:  ${DEMO_TEACHER} / ${password}`,
      `  Students: ${STUDENTS.join(', ')} (same password)`,
      `  Courses:  ${pastRoomnums.length} with playback (course ${replayRoomnum} has a recording and is published), 1 just ended (${justEndedRoomnum}, index pending), 2 drafts, 1 live (${liveRoomnum}).`,
      '  Note: the live course ends by itself after COURSE_DEAD_S without teacher heartbeats, as a real one would.',
      '',
    ].join('\n'),
  );
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
