import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlaybackIndexes } from '../../jobs/build-playback-index';
import { listCourseEvents } from '../../services/course-events';
import { recordRecording } from '../../services/recordings';
import { createTestCtx, T0 } from '../../testing/test-ctx';
import { errOf, signedIn } from '../testing';
import { rawRows } from '../../../db/dialect';
import { sql } from 'drizzle-orm';
import { createCourse } from '../../services/courses';
import { bindFile, bindTargetFor } from '../../services/courseware';
import type { ServiceCtx } from '../../context';
import { asTeacher } from '../../services/course-access';

/** An ended course with two recordings: one stored by this server's local storage, one on a Tencent VOD URL. */
async function twoRecordings() {
  const ctx = createTestCtx({ REPLAY_INDEX_DELAY_S: '0' });
  const teacher = await signedIn(ctx, 'teach1');
  const other = await signedIn(ctx, 'teach2');
  const { roomnum } = await teacher.api.course.create({ title: 'Rec' });
  await teacher.api.course.start({ roomnum });
  ctx.clock.advance(600);
  await teacher.api.course.end({ roomnum });
  await ctx.storage.putObject('rec/local.mp4', Buffer.from('video bytes'), { contentType: 'video/mp4' });
  const localUrl = ctx.storage.publicUrl('rec/local.mp4');
  const base = {
    stream_param: `groupid=${roomnum}&userid=${Buffer.from('teach1').toString('base64')}`,
    media_start_time: 0,
    file_size: 11,
    duration: 280,
  };
  await recordRecording(ctx, {
    ...base,
    file_id: 'f-local',
    video_id: 'v1',
    video_url: localUrl,
    start_time: T0 + 10,
    end_time: T0 + 290,
  });
  await recordRecording(ctx, {
    ...base,
    file_id: 'f-vod',
    video_id: 'v2',
    video_url: 'https://1253.vod2.myqcloud.com/abc/f0.mp4',
    start_time: T0 + 300,
    end_time: T0 + 580,
  });
  await buildPlaybackIndexes(ctx);
  const segs = (await teacher.api.playback.view({ roomnum })).segments;
  const indexFile = async () => {
    const url = (await teacher.api.playback.review({ roomnum })).index.url;
    return JSON.parse(
      fs.readFileSync(
        path.join(ctx.env.STORAGE_DIR, decodeURIComponent(new URL(url!).pathname.slice('/storage/'.length))),
        'utf8',
      ),
    ) as { recordings: { video_url: string }[] };
  };
  return { ctx, teacher, other, roomnum, localUrl, local: segs[0]!.recordingId, vod: segs[1]!.recordingId, indexFile };
}

describe('playback.deleteRecording', () => {
  it('removes the row and our stored file, logs recording_deleted, and the rebuilt index no longer lists it', async () => {
    const { ctx, teacher, roomnum, local, vod, indexFile } = await twoRecordings();
    expect((await indexFile()).recordings).toHaveLength(2);
    const file = path.join(ctx.env.STORAGE_DIR, 'rec/local.mp4');
    expect(fs.existsSync(file)).toBe(true);

    expect(await teacher.api.playback.deleteRecording({ roomnum, recordingId: local })).toEqual({
      storageDeleted: true,
      unpublished: false,
    });
    expect(fs.existsSync(file)).toBe(false);
    expect(
      (await rawRows(ctx.db, sql`SELECT COUNT(*) AS n FROM stored_objects WHERE key = 'rec/local.mp4'`))[0],
    ).toEqual({ n: 0 });
    expect((await teacher.api.playback.view({ roomnum })).segments.map((s) => s.recordingId)).toEqual([vod]);
    const events = await listCourseEvents(ctx, roomnum);
    expect(events.filter((e) => e.kind === 'recording')).toHaveLength(2); // the log is append-only
    const del = events.filter((e) => e.kind === 'recording_deleted');
    expect(del).toHaveLength(1);
    expect(JSON.parse(del[0]!.detail)).toMatchObject({
      recording_id: local,
      file_id: 'f-local',
      video_url: 'storage:rec/local.mp4',
    });
    expect((await teacher.api.playback.review({ roomnum })).index.status).toBe('pending');
    await buildPlaybackIndexes(ctx);
    expect((await teacher.api.playback.review({ roomnum })).index.status).toBe('ready');
    expect((await indexFile()).recordings.map((r) => r.video_url)).toEqual([
      'https://1253.vod2.myqcloud.com/abc/f0.mp4',
    ]);
  });

  it('a Tencent URL: only the row goes, and the answer says the video was not deleted there', async () => {
    const { teacher, roomnum, vod } = await twoRecordings();
    expect(await teacher.api.playback.deleteRecording({ roomnum, recordingId: vod })).toEqual({
      storageDeleted: false,
      unpublished: false,
    });
    expect((await teacher.api.playback.view({ roomnum })).segments).toHaveLength(1);
  });

  it("only the course's teacher; a recording of another course or one already gone is NOT_FOUND", async () => {
    const { ctx, teacher, other, roomnum, local } = await twoRecordings();
    expect((await errOf(other.api.playback.deleteRecording({ roomnum, recordingId: local }))).code).toBe('NOT_FOUND');
    const mine = await other.api.course.create({ title: 'Other' });
    expect(
      (await errOf(other.api.playback.deleteRecording({ roomnum: mine.roomnum, recordingId: local }))).appCode,
    ).toBe('COURSE_STATE');
    expect(fs.existsSync(path.join(ctx.env.STORAGE_DIR, 'rec/local.mp4'))).toBe(true);
    await teacher.api.playback.deleteRecording({ roomnum, recordingId: local });
    expect((await errOf(teacher.api.playback.deleteRecording({ roomnum, recordingId: local }))).appCode).toBe(
      'NOT_FOUND',
    );
  });

  it('deleting the last recording of a published replay unpublishes it in the same change', async () => {
    const { ctx, teacher, roomnum, local, vod } = await twoRecordings();
    await teacher.api.playback.setPublished({ roomnum, published: true });
    expect(await teacher.api.playback.deleteRecording({ roomnum, recordingId: vod })).toMatchObject({
      unpublished: false,
    });
    expect((await teacher.api.playback.review({ roomnum })).published).toBe(true);
    expect(await teacher.api.playback.deleteRecording({ roomnum, recordingId: local })).toMatchObject({
      unpublished: true,
    });
    ctx.clock.advance(ctx.env.RECORDING_WAIT_S);
    const review = await teacher.api.playback.review({ roomnum });
    expect(review).toMatchObject({ published: false, playback: 'none' });
    // The rebuilt index of an empty timeline must not make it "ready" again.
    await buildPlaybackIndexes(ctx);
    expect((await teacher.api.playback.review({ roomnum })).playback).toBe('none');
    expect((await errOf(teacher.api.playback.setPublished({ roomnum, published: true }))).appCode).toBe('NO_RECORDING');
  });

  /**
   * Every other place a stored object can be named keeps the file: the recording row goes, the file stays, until the
   * last reference is gone (here: the other recording, deleted last, finds nothing left and removes it).
   */
  describe('a file still referenced elsewhere is kept', () => {
    const other = asTeacher({ uid: 'teach2', role: 1, appid: 1400000000 });
    const file = (ctx: ServiceCtx) => path.join(ctx.env.STORAGE_DIR, 'rec/local.mp4');
    const storedRows = async (ctx: ServiceCtx) =>
      (
        await rawRows<{ n: number | string }>(
          ctx.db,
          sql`SELECT COUNT(*) AS n FROM stored_objects WHERE key = 'rec/local.mp4'`,
        )
      )[0];

    const references: [string, (ctx: ServiceCtx, localUrl: string) => Promise<unknown>][] = [
      [
        'bound as courseware to another course',
        async (ctx, localUrl) => {
          const { roomnum } = await createCourse(ctx, other, { title: 'Reuses it' });
          await bindFile(ctx, await bindTargetFor(ctx, other, roomnum), {
            type: 1,
            file_name: 'lesson.mp4',
            url: localUrl,
          });
        },
      ],
      [
        "bound in a teacher's library",
        async (ctx, localUrl) =>
          bindFile(ctx, await bindTargetFor(ctx, other, 0), { type: 1, file_name: 'lesson.mp4', url: localUrl }),
      ],
      ['the cover of another course', (ctx, localUrl) => createCourse(ctx, other, { title: 'Cover', cover: localUrl })],
    ];

    for (const [where, reference] of references) {
      it(`${where}: the row goes, the file stays`, async () => {
        const { ctx, teacher, roomnum, local, vod, localUrl } = await twoRecordings();
        await reference(ctx, localUrl);
        expect(await teacher.api.playback.deleteRecording({ roomnum, recordingId: local })).toEqual({
          storageDeleted: false,
          unpublished: false,
        });
        expect((await teacher.api.playback.view({ roomnum })).segments.map((s) => s.recordingId)).toEqual([vod]);
        expect(fs.existsSync(file(ctx))).toBe(true);
        expect(Number((await storedRows(ctx))?.n)).toBe(1);
      });
    }

    it('another recording (of another course): kept, and removed with the last recording that names it', async () => {
      const { ctx, teacher, roomnum, local, localUrl } = await twoRecordings();
      const second = await signedIn(ctx, 'teach3');
      const { roomnum: room2 } = await second.api.course.create({ title: 'Same clip' });
      await second.api.course.start({ roomnum: room2 });
      await second.api.course.end({ roomnum: room2 });
      await recordRecording(ctx, {
        stream_param: `groupid=${room2}&userid=${Buffer.from('teach3').toString('base64')}`,
        media_start_time: 0,
        file_size: 11,
        duration: 280,
        file_id: 'f-shared',
        video_id: 'v3',
        video_url: localUrl,
        start_time: T0 + 10,
        end_time: T0 + 290,
      });
      expect(await teacher.api.playback.deleteRecording({ roomnum, recordingId: local })).toMatchObject({
        storageDeleted: false,
      });
      expect(fs.existsSync(file(ctx))).toBe(true);
      const [seg] = (await second.api.playback.view({ roomnum: room2 })).segments;
      expect(await second.api.playback.deleteRecording({ roomnum: room2, recordingId: seg!.recordingId })).toEqual({
        storageDeleted: true,
        unpublished: false,
      });
      expect(fs.existsSync(file(ctx))).toBe(false);
      expect(Number((await storedRows(ctx))?.n)).toBe(0);
    });
  });
});
