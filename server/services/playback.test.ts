/** Playback service: the timeline, the index document (validated against its JSON Schema), retry, the idx callback. */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { courses, type CourseEvent, type Recording } from '../../db/schema';
import { assertValidPlaybackIndex, recordingCallback, runLesson } from '../testing/playback-fixtures';
import { createTestCtx } from '../testing/test-ctx';
import { createCourse } from './courses';
import { unbindFile, bindTargetFor } from './courseware';
import { applyReplayIndexCallback, courseTimeline, requeuePlaybackIndex, timelineFrom } from './playback';
import { assemblePlaybackIndex } from './playback-index';
import { recordingReadyInput, recordRecording } from './recordings';
import { taughtCourse, asTeacher } from './course-access';

const ev = (id: number, at: number, kind: CourseEvent['kind'], uid = 't', detail = ''): CourseEvent => ({
  id,
  roomnum: 1,
  at,
  kind,
  uid,
  role: uid === 't' ? 1 : 0,
  detail,
});

describe('timelineFrom', () => {
  it('orders by time, then start < join < courseware < recording < leave < end, then log order', () => {
    const rec: Recording = {
      id: 7,
      roomnum: 1,
      uid: 't',
      fileId: 'f',
      videoId: 'v',
      videoUrl: 'http://x/v.m3u8',
      startTime: 100,
      endTime: 160,
      mediaStartTime: 0,
      fileSize: 10,
      duration: 60,
      imSeq: 9,
      createdAt: 200,
    };
    const items = timelineFrom(
      [
        ev(1, 90, 'created'),
        ev(2, 100, 'started'),
        ev(3, 100, 'member_enter'),
        ev(4, 100, 'file_bound', 't', JSON.stringify({ type: 0, file_name: 'a.pdf', url: 'http://x/a.pdf' })),
        ev(5, 130, 'member_enter', 's'),
        ev(6, 200, 'member_timeout', 's', JSON.stringify({ lastHeartbeat: 150 })),
        ev(7, 170, 'member_exit'),
        ev(8, 170, 'ended'),
        ev(9, 200, 'recording', 't', '{}'),
      ],
      [rec],
    );
    expect(items.map((i) => [i.kind, i.at])).toEqual([
      ['start', 100],
      ['join', 100],
      ['courseware_bound', 100],
      ['recording', 100],
      ['join', 130],
      ['leave', 150],
      ['leave', 170],
      ['end', 170],
    ]);
    expect(items[3]).toMatchObject({
      kind: 'recording',
      endAt: 160,
      recordingId: 7,
      videoUrl: 'http://x/v.m3u8',
      imSeq: 9,
    });
    expect(items[5]).toMatchObject({ kind: 'leave', uid: 's', reason: 'timeout' });
    expect(items[7]).toMatchObject({ kind: 'end', reason: 'teacher' });
  });

  it('tolerates broken event details', () => {
    const items = timelineFrom([ev(1, 5, 'member_timeout', 's', 'not json'), ev(2, 6, 'file_unbound', 't', '[1]')], []);
    expect(items).toEqual([
      { kind: 'leave', at: 5, uid: 's', role: 0, reason: 'timeout' },
      { kind: 'courseware_unbound', at: 6, uid: 't', fileType: 0, fileName: '', url: '' },
    ]);
  });
});

describe('courseTimeline and the index document', () => {
  it('a lesson with a recording: timeline, index valid against the schema, messages from begin to end imseq', async () => {
    const ctx = createTestCtx();
    const lesson = await runLesson(ctx);
    await recordRecording(
      ctx,
      recordingReadyInput.parse(
        recordingCallback(lesson.roomnum, 'teacher1', { start_time: lesson.begin + 5, end_time: lesson.end }),
      ),
    );
    const tl = await courseTimeline(ctx, lesson.roomnum);
    expect(tl).toMatchObject({
      roomnum: lesson.roomnum,
      title: 'Algebra 1',
      hostUid: 'teacher1',
      state: 2,
      beginTime: lesson.begin,
      endTime: lesson.end,
    });
    expect(tl.items.map((i) => `${i.kind}:${'uid' in i ? i.uid : ''}`)).toEqual([
      'start:teacher1',
      'join:teacher1',
      'courseware_bound:teacher1',
      'recording:teacher1',
      'join:stu1',
      'join:stu2',
      'leave:stu1',
      'leave:teacher1',
      'leave:stu2',
      'end:teacher1',
    ]);
    // Courseware bound in the same second as the start sorts after the start and the teacher's join.
    const course = (await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) }))!;
    const idx = await assemblePlaybackIndex(ctx, course);
    assertValidPlaybackIndex(idx);
    expect(idx.course).toMatchObject({
      roomnum: lesson.roomnum,
      groupid: String(lesson.roomnum),
      host_uid: 'teacher1',
      begin_imseq: 1,
      end_imseq: 4,
    });
    expect(idx.recordings).toHaveLength(1);
    expect(idx.courseware).toEqual([
      {
        type: 0,
        file_name: 'slides.pdf',
        url: 'http://files.example/slides.pdf',
        bound_at: lesson.begin,
        unbound_at: null,
      },
    ]);
    expect(idx.members).toEqual([
      { uid: 'teacher1', role: 1, sessions: [{ join: lesson.begin, leave: lesson.end }] },
      { uid: 'stu1', role: 0, sessions: [{ join: lesson.begin + 10, leave: lesson.begin + 70 }] },
      { uid: 'stu2', role: 0, sessions: [{ join: lesson.begin + 10, leave: lesson.end }] },
    ]);
    // 1001 start, 1003 ×2 enters, 1002 end — the 1004 recording notice comes after end_imseq.
    expect(idx.messages).toMatchObject({ from_seq: 1, to_seq: 4, complete: true, source: 'local', count: 4 });
    expect(idx.messages.items.map((m) => JSON.parse(String(m.body[0]!.MsgContent.Data)).type)).toEqual([
      1001, 1003, 1003, 1002,
    ]);
  });

  it('unbinding shows in the courseware list and the timeline', async () => {
    const ctx = createTestCtx();
    await runLesson(ctx);
    const t = asTeacher({ uid: 'teacher1', role: 1, appid: ctx.env.SDKAPPID });
    const { roomnum } = await createCourse(ctx, t, { title: 'x' });
    const { bindFile } = await import('./courseware');
    await bindFile(ctx, await bindTargetFor(ctx, t, roomnum), {
      type: 1,
      file_name: 'v.mp4',
      url: 'http://files.example/v.mp4',
    });
    ctx.clock.advance(5);
    await unbindFile(ctx, await bindTargetFor(ctx, t, roomnum), 'http://files.example/v.mp4');
    const tl = await courseTimeline(ctx, roomnum);
    expect(tl.items.map((i) => i.kind)).toEqual(['courseware_bound', 'courseware_unbound']);
  });

  it('courseTimeline of an unknown course is ROOM_NOT_FOUND', async () => {
    await expect(courseTimeline(createTestCtx(), 424242)).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });
  });
});

describe('requeuePlaybackIndex', () => {
  it('only the teacher, only after the end; resets attempts and makes it due now', async () => {
    const ctx = createTestCtx();
    const lesson = await runLesson(ctx);
    await inTransaction(ctx.db, (tx) =>
      tx
        .update(courses)
        .set({ indexStatus: 'failed', indexAttempts: 5, indexError: 'boom' })
        .where(eq(courses.roomnum, lesson.roomnum)),
    );
    // Only the teacher holds the course (the doors' taughtCourse); a missing room is missing.
    for (const c of [lesson.students[0]!, { uid: 'other', role: 1, appid: ctx.env.SDKAPPID }])
      await expect(taughtCourse(ctx, c, lesson.roomnum)).rejects.toMatchObject({ code: 'NOT_YOUR_COURSE' });
    await expect(taughtCourse(ctx, lesson.teacher, 99999)).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });
    expect(await requeuePlaybackIndex(ctx, await taughtCourse(ctx, lesson.teacher, lesson.roomnum))).toEqual({
      indexStatus: 'pending',
      indexDueAt: ctx.clock.nowS(),
    });
    const c = await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) });
    expect(c).toMatchObject({ indexStatus: 'pending', indexAttempts: 0, indexError: '', indexDueAt: ctx.clock.nowS() });
    const { roomnum } = await createCourse(ctx, lesson.teacher, { title: 'not yet' });
    await expect(requeuePlaybackIndex(ctx, await taughtCourse(ctx, lesson.teacher, roomnum))).rejects.toMatchObject({
      code: 'COURSE_STATE',
    });
  });
});

describe('applyReplayIndexCallback', () => {
  it('success → state 3 + url + ready; failure → index_error, state kept; not ended → COURSE_STATE', async () => {
    const ctx = createTestCtx();
    const lesson = await runLesson(ctx);
    const get = async () => (await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) }))!;
    await applyReplayIndexCallback(ctx, { roomnum: lesson.roomnum, errorCode: 70001, errorInfo: 'sig expired' });
    expect(await get()).toMatchObject({
      state: 2,
      playbackIdxUrl: '',
      indexError: 'replay index service: 70001 sig expired',
    });
    await expect(
      applyReplayIndexCallback(ctx, { roomnum: lesson.roomnum, errorCode: 0, errorInfo: '' }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await applyReplayIndexCallback(ctx, {
      roomnum: lesson.roomnum,
      errorCode: 0,
      errorInfo: '',
      replayIndex: { fileUrl: 'http://idx.example/i.json', createTime: 1 },
    });
    expect(await get()).toMatchObject({
      state: 3,
      playbackIdxUrl: 'http://idx.example/i.json',
      indexStatus: 'ready',
      indexError: '',
    });
    const { roomnum } = await createCourse(ctx, lesson.teacher, { title: 'draft' });
    await expect(
      applyReplayIndexCallback(ctx, {
        roomnum,
        errorCode: 0,
        errorInfo: '',
        replayIndex: { fileUrl: 'http://x/y', createTime: 1 },
      }),
    ).rejects.toMatchObject({
      code: 'COURSE_STATE',
    });
    await expect(applyReplayIndexCallback(ctx, { roomnum: 99999, errorCode: 1, errorInfo: '' })).rejects.toMatchObject({
      code: 'ROOM_NOT_FOUND',
    });
  });
});
