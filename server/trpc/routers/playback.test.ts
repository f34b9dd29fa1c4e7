import { describe, expect, it } from 'vitest';
import { buildPlaybackIndexes } from '../../jobs/build-playback-index';
import { reportMember } from '../../services/members';
import { recordRecording } from '../../services/recordings';
import { createTestCtx, T0 } from '../../testing/test-ctx';
import { codeOf, signedIn, TEST_ORIGIN } from '../testing';
import { eq } from 'drizzle-orm';
import { inTransaction } from '../../../db/client';
import { courses } from '../../../db/schema';

/** A class: teacher starts at T0, stu1 joins at +60 and leaves at +300, a recording covers +10..+590, end at +600. */
async function endedClass() {
  const ctx = createTestCtx({ REPLAY_INDEX_DELAY_S: '0' });
  const teacher = await signedIn(ctx, 'teach1');
  const stu = await signedIn(ctx, 'stu1', 0);
  const outsider = await signedIn(ctx, 'stu2', 0);
  const otherTeacher = await signedIn(ctx, 'teach2');
  const { roomnum } = await teacher.api.course.create({ title: '函数 Functions' });
  await teacher.api.course.start({ roomnum });
  const s = { uid: 'stu1', role: 0, appid: ctx.env.SDKAPPID };
  ctx.clock.advance(60);
  await reportMember(ctx, s, { roomnum, operate: 0, timeStamp: 1 });
  ctx.clock.advance(240);
  await reportMember(ctx, s, { roomnum, operate: 1, timeStamp: 1 });
  ctx.clock.advance(300);
  await teacher.api.course.end({ roomnum });
  const rec = await recordRecording(ctx, {
    stream_param: `groupid=${roomnum}&userid=${Buffer.from('teach1').toString('base64')}`,
    file_id: 'f1',
    video_id: 'v1',
    video_url: 'http://localhost:3000/storage/rec/clip.mp4',
    start_time: T0 + 10,
    end_time: T0 + 590,
    media_start_time: 0,
    file_size: 1000,
    duration: 580,
  });
  expect(rec.stored).toBe(true);
  return { ctx, teacher, stu, outsider, otherTeacher, roomnum };
}

describe('playback router', () => {
  it('gives the teacher recordings, the timeline, index status, attendance; retry re-queues the index', async () => {
    const { ctx, teacher, roomnum } = await endedClass();
    const v = await teacher.api.playback.view({ roomnum });
    expect(v.isTeacher).toBe(true);
    expect(v.segments).toEqual([
      {
        recordingId: expect.any(Number),
        videoUrl: `${TEST_ORIGIN}/storage/rec/clip.mp4`,
        startTime: T0 + 10,
        endTime: T0 + 590,
        duration: 580,
      },
    ]);
    expect(v.timeline.map((i) => i.kind)).toEqual(['start', 'join', 'recording', 'join', 'leave', 'leave', 'end']);

    const r = await teacher.api.playback.review({ roomnum });
    expect(r.index.status).toBe('pending');
    expect(r.published).toBe(false);
    expect(r.attendance).toEqual([
      { uid: 'teach1', role: 1, firstJoin: T0, lastLeave: T0 + 600, secondsPresent: 600, sessions: 1 },
      { uid: 'stu1', role: 0, firstJoin: T0 + 60, lastLeave: T0 + 300, secondsPresent: 240, sessions: 1 },
    ]);

    await buildPlaybackIndexes(ctx);
    const ready = (await teacher.api.playback.review({ roomnum })).index;
    expect(ready.status).toBe('ready');
    expect(ready.url).toMatch(new RegExp(`^${TEST_ORIGIN}/storage/playback/${roomnum}/[0-9a-f]{32}/index\\.json$`));
    await inTransaction(ctx.db, async (tx) => {
      await tx
        .update(courses)
        .set({ indexStatus: 'failed', indexError: 'boom', indexAttempts: 5 })
        .where(eq(courses.roomnum, roomnum));
    });
    expect((await teacher.api.playback.review({ roomnum })).index).toMatchObject({ status: 'failed', error: 'boom' });
    await teacher.api.playback.retryIndex({ roomnum });
    expect((await teacher.api.playback.review({ roomnum })).index).toMatchObject({
      status: 'pending',
      error: '',
      attempts: 0,
      dueAt: ctx.clock.nowS(),
    });
  });

  it('published playback opens for students who attended, unpublished for nobody but the teacher', async () => {
    const { teacher, stu, outsider, otherTeacher, roomnum } = await endedClass();
    expect(await codeOf(stu.api.playback.view({ roomnum }))).toBe('NOT_FOUND');
    expect(await stu.api.playback.shared()).toEqual([]);
    await teacher.api.playback.setPublished({ roomnum, published: true });
    expect((await teacher.api.playback.review({ roomnum })).published).toBe(true);

    const v = await stu.api.playback.view({ roomnum });
    expect(v.isTeacher).toBe(false);
    // Students see the lesson, not other people's comings and goings.
    expect(v.timeline.map((i) => i.kind)).toEqual(['start', 'recording', 'end']);
    expect((await stu.api.playback.shared()).map((c) => c.roomnum)).toEqual([roomnum]);
    expect(await codeOf(stu.api.playback.review({ roomnum }))).toBe('FORBIDDEN');

    expect(await codeOf(outsider.api.playback.view({ roomnum }))).toBe('NOT_FOUND');
    expect(await outsider.api.playback.shared()).toEqual([]);
    expect(await codeOf(otherTeacher.api.playback.view({ roomnum }))).toBe('NOT_FOUND');
    expect(await codeOf(otherTeacher.api.playback.review({ roomnum }))).toBe('NOT_FOUND');
    expect(await codeOf(otherTeacher.api.playback.setPublished({ roomnum, published: false }))).toBe('NOT_FOUND');
    expect(await codeOf(otherTeacher.api.playback.retryIndex({ roomnum }))).toBe('NOT_FOUND');

    await teacher.api.playback.setPublished({ roomnum, published: false });
    expect(await codeOf(stu.api.playback.view({ roomnum }))).toBe('NOT_FOUND');
    expect(await stu.api.playback.shared()).toEqual([]);
  });

  it('a course that has not ended has no playback', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const { roomnum } = await t.api.course.create({ title: 'Soon' });
    expect(await codeOf(t.api.playback.view({ roomnum }))).toBe('PRECONDITION_FAILED');
    expect(await codeOf(t.api.playback.setPublished({ roomnum, published: true }))).toBe('PRECONDITION_FAILED');
    expect(await codeOf(t.api.playback.retryIndex({ roomnum }))).toBe('PRECONDITION_FAILED');
  });
});
