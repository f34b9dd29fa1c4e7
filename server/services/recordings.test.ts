/** Recording callbacks as a service: signature rule, stream_param parsing, idempotent storage, IM 1004, failure paths. */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { courseEvents, courses, imMessages, recordings } from '../../db/schema';
import { createFailableImCtx } from '../testing/legacy-fixtures';
import { recordingCallback, runLesson } from '../testing/playback-fixtures';
import { createTestCtx } from '../testing/test-ctx';
import { listRecordings, parseStreamParam, recordingReadyInput, recordRecording } from './recordings';

describe('parseStreamParam', () => {
  it('reads groupid and the base64 userid, keeping + (which form decoding would turn into a space)', () => {
    // "a>?" has base64 "YT4/", and "i>>" is "aT4+": characters form-decoding would mangle.
    expect(parseStreamParam('groupid=10001&userid=dGVhY2hlcjE=&record=hls')).toEqual({
      roomnum: 10001,
      uid: 'teacher1',
    });
    expect(parseStreamParam(`groupid=10002&userid=${Buffer.from('u_1-x').toString('base64')}`)).toEqual({
      roomnum: 10002,
      uid: 'u_1-x',
    });
    expect(parseStreamParam('userid=dGVhY2hlcjE%3D&groupid=10003')).toEqual({ roomnum: 10003, uid: 'teacher1' });
  });

  it('yields nulls for missing, malformed or hostile values', () => {
    expect(parseStreamParam(undefined)).toEqual({ roomnum: null, uid: null });
    expect(parseStreamParam('')).toEqual({ roomnum: null, uid: null });
    expect(parseStreamParam('groupid=0&userid=')).toEqual({ roomnum: null, uid: null });
    expect(parseStreamParam('groupid=-1&userid=%%%')).toEqual({ roomnum: null, uid: null });
    expect(parseStreamParam('groupid=99999999999999999999')).toEqual({ roomnum: null, uid: null });
    // base64 of "a b" (space is not a valid uid character) and of a 40-character id.
    expect(parseStreamParam(`userid=${Buffer.from('a b').toString('base64')}`).uid).toBeNull();
    expect(parseStreamParam(`userid=${Buffer.from('x'.repeat(40)).toString('base64')}`).uid).toBeNull();
  });
});

describe('recordRecording', () => {
  it('stores a recording once however often the callback repeats; IM 1004 once; last_rec_imseq and the event set', async () => {
    const ctx = createTestCtx();
    const lesson = await runLesson(ctx);
    const input = recordingReadyInput.parse(recordingCallback(lesson.roomnum, 'teacher1'));
    const first = await recordRecording(ctx, input);
    expect(first).toMatchObject({ stored: true });
    const again = await recordRecording(ctx, input);
    expect(again).toEqual({ stored: false, reason: 'duplicate' });
    const recs = await listRecordings(ctx, lesson.roomnum);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      uid: 'teacher1',
      fileId: '9031868223267109922',
      videoId: '5158_e9a4b1c2',
      startTime: 1_800_000_000,
      endTime: 1_800_000_120,
      mediaStartTime: 2931,
      fileSize: 1_349_000,
      duration: 120,
    });
    const msgs = await ctx.db
      .select()
      .from(imMessages)
      .where(eq(imMessages.groupId, String(lesson.roomnum)));
    const notices = msgs.filter((m) => JSON.parse(JSON.parse(m.msgBody)[0].MsgContent.Data).type === 1004);
    expect(notices).toHaveLength(1);
    const data = JSON.parse(JSON.parse(notices[0]!.msgBody)[0].MsgContent.Data);
    expect(data.value).toEqual({
      uid: 'teacher1',
      start_time: 1_800_000_000,
      end_time: 1_800_000_120,
      media_start_time: 2931,
      file_size: 1_349_000,
      duration: 120,
      video_id: '5158_e9a4b1c2',
      video_url: `http://1250000000.vod2.myqcloud.com/vod/${lesson.roomnum}/playlist.m3u8`,
    });
    expect(recs[0]!.imSeq).toBe(notices[0]!.msgSeq);
    const c = await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) });
    expect(c!.lastRecImseq).toBe(notices[0]!.msgSeq);
    const evs = await ctx.db.select().from(courseEvents).where(eq(courseEvents.kind, 'recording'));
    expect(evs).toHaveLength(1);
    expect(JSON.parse(evs[0]!.detail)).toMatchObject({ file_id: '9031868223267109922', im_seq: notices[0]!.msgSeq });
  });

  it('concurrent retries of one file store one row and send one IM', async () => {
    const ctx = createTestCtx();
    const lesson = await runLesson(ctx);
    const input = recordingReadyInput.parse(recordingCallback(lesson.roomnum, 'teacher1'));
    const results = await Promise.all(Array.from({ length: 10 }, () => recordRecording(ctx, input)));
    expect(results.filter((r) => r.stored)).toHaveLength(1);
    expect(await listRecordings(ctx, lesson.roomnum)).toHaveLength(1);
    const msgs = await ctx.db
      .select()
      .from(imMessages)
      .where(eq(imMessages.groupId, String(lesson.roomnum)));
    expect(msgs.filter((m) => JSON.parse(JSON.parse(m.msgBody)[0].MsgContent.Data).type === 1004)).toHaveLength(1);
  });

  it('a second file of the same course is a second recording, listed in time order', async () => {
    const ctx = createTestCtx();
    const lesson = await runLesson(ctx);
    await recordRecording(
      ctx,
      recordingReadyInput.parse(
        recordingCallback(lesson.roomnum, 'teacher1', {
          file_id: 'B',
          start_time: 1_800_000_200,
          end_time: 1_800_000_300,
        }),
      ),
    );
    await recordRecording(
      ctx,
      recordingReadyInput.parse(recordingCallback(lesson.roomnum, 'teacher1', { file_id: 'A' })),
    );
    expect((await listRecordings(ctx, lesson.roomnum)).map((r) => r.fileId)).toEqual(['A', 'B']);
  });

  it('unknown course or user: nothing stored, no IM', async () => {
    const ctx = createTestCtx();
    const lesson = await runLesson(ctx);
    const before = (await ctx.db.select().from(imMessages)).length;
    expect(await recordRecording(ctx, recordingReadyInput.parse(recordingCallback(99999, 'teacher1')))).toEqual({
      stored: false,
      reason: 'unknown_course',
    });
    expect(await recordRecording(ctx, recordingReadyInput.parse(recordingCallback(lesson.roomnum, 'nobody')))).toEqual({
      stored: false,
      reason: 'unknown_user',
    });
    expect(
      await recordRecording(
        ctx,
        recordingReadyInput.parse({ ...recordingCallback(lesson.roomnum, 'teacher1'), stream_param: undefined }),
      ),
    ).toEqual({
      stored: false,
      reason: 'unknown_course',
    });
    expect(await ctx.db.select().from(recordings)).toEqual([]);
    expect((await ctx.db.select().from(imMessages)).length).toBe(before);
  });

  it('IM down: IM_SEND_FAILED, nothing stored, and the retry succeeds', async () => {
    const ctx = createFailableImCtx();
    const lesson = await runLesson(ctx);
    const input = recordingReadyInput.parse(recordingCallback(lesson.roomnum, 'teacher1'));
    ctx.im.failing = true;
    await expect(recordRecording(ctx, input)).rejects.toMatchObject({ code: 'IM_SEND_FAILED' });
    expect(await ctx.db.select().from(recordings)).toEqual([]);
    expect((await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) }))!.lastRecImseq).toBe(
      0,
    );
    ctx.im.failing = false;
    expect(await recordRecording(ctx, input)).toMatchObject({ stored: true });
  });

  it('a recording arriving after the index was built re-queues the index', async () => {
    const ctx = createTestCtx();
    const lesson = await runLesson(ctx);
    await inTransaction(ctx.db, (tx) =>
      tx.update(courses).set({ indexStatus: 'ready', state: 3 }).where(eq(courses.roomnum, lesson.roomnum)),
    );
    await recordRecording(ctx, recordingReadyInput.parse(recordingCallback(lesson.roomnum, 'teacher1')));
    const c = await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) });
    expect(c).toMatchObject({
      indexStatus: 'pending',
      indexDueAt: ctx.clock.nowS() + ctx.env.REPLAY_INDEX_DELAY_S,
      state: 3,
    });
  });

  it('the input schema requires the event-100 fields and sane values', () => {
    const base = recordingCallback(10001, 'teacher1');
    expect(recordingReadyInput.safeParse(base).success).toBe(true);
    expect(recordingReadyInput.safeParse({ ...base, start_time: '1800000000', duration: '120' }).success).toBe(true);
    for (const bad of [
      { video_url: 'javascript:alert(1)' },
      { video_url: undefined },
      { video_id: '' },
      { start_time: -1 },
      { end_time: 1 },
      { file_size: 1.5 },
      { duration: '12x' },
      { media_start_time: null },
    ]) {
      expect(recordingReadyInput.safeParse({ ...base, ...bad }).success).toBe(false);
    }
  });
});
