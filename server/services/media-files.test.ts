/**
 * The local VOD provider's file listing (media-files.ts) as raw SQL on both engines: the union of recordings and
 * distinct bound videos, narrowed to what the caller may see, with filters, order, paging and the total. Written for
 * PostgreSQL's strictness (quoted camelCase aliases, typed concatenation, no bare columns in a GROUP BY).
 */
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { boundFiles, courses, recordings, users } from '../../db/schema';
import { LOCAL_VIDEO_PREFIX, type LocalVodVisible } from '../integrations/vod/local';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { createMediaFiles } from './media-files';

async function seeded() {
  const ctx = createTestCtx();
  const ids = await inTransaction(ctx.db, async (tx) => {
    await tx.insert(users).values({ uid: 'teacher1', pwdHash: 'x', role: 1, createdAt: T0 });
    const [c] = await tx
      .insert(courses)
      .values({ appid: ctx.env.SDKAPPID, hostUid: 'teacher1', title: 't', createdAt: T0, listTime: T0 })
      .returning({ roomnum: courses.roomnum });
    const rec = (fileId: string, start: number, createdAt: number) => ({
      roomnum: c!.roomnum,
      uid: 'teacher1',
      fileId,
      videoId: 'v',
      videoUrl: `http://vod.example/${fileId}.mp4`,
      startTime: start,
      endTime: start + 60,
      mediaStartTime: 0,
      fileSize: 1000,
      duration: 60,
      createdAt,
    });
    await tx.insert(recordings).values([rec('r1', T0 - 3000, T0 - 3000), rec('r2', T0 - 2000, T0 - 2000)]);
    // The same video bound twice (library, then a course) is one file, named as its first binding; a document is no
    // video at all.
    const bound = await tx
      .insert(boundFiles)
      .values([
        {
          ownerUid: 'teacher1',
          roomnum: 0,
          type: 1,
          fileName: 'lesson.mp4',
          url: 'http://cdn.example/lesson.mp4',
          size: 2048,
          createdAt: T0 - 1000,
        },
        {
          ownerUid: 'teacher1',
          roomnum: c!.roomnum,
          type: 1,
          fileName: 'lesson copy.mp4',
          url: 'http://cdn.example/lesson.mp4',
          size: 4096,
          createdAt: T0 - 500,
        },
        {
          ownerUid: 'teacher1',
          roomnum: c!.roomnum,
          type: 0,
          fileName: 'slides.pdf',
          url: 'http://cdn.example/slides.pdf',
          createdAt: T0 - 400,
        },
      ])
      .returning({ id: boundFiles.id });
    return { roomnum: c!.roomnum, firstVideoId: bound[0]!.id };
  });
  return { ctx, ...ids, files: createMediaFiles(ctx.db) };
}

const ALL: LocalVodVisible = { fileIds: ['r1', 'r2'], refs: ['http://cdn.example/lesson.mp4'] };
const page = { fileIds: [] as string[], order: 'desc' as const, offset: 0, limit: 10 };

describe('createMediaFiles', () => {
  it('lists recordings and distinct bound videos, newest first, with their fields and the total', async () => {
    const { files, roomnum, firstVideoId } = await seeded();
    const r = await files.page({ ...page, visible: ALL });
    expect(r.total).toBe(3);
    expect(r.files).toEqual([
      {
        fileId: `${LOCAL_VIDEO_PREFIX}${firstVideoId}`,
        name: 'lesson.mp4',
        url: 'http://cdn.example/lesson.mp4',
        size: 4096,
        duration: 0,
        createdAt: T0 - 1000,
        source: 'Upload',
      },
      {
        fileId: 'r2',
        name: `room${roomnum}_teacher1_${T0 - 2000}`,
        url: 'http://vod.example/r2.mp4',
        size: 1000,
        duration: 60,
        createdAt: T0 - 2000,
        source: 'Record',
      },
      expect.objectContaining({ fileId: 'r1', createdAt: T0 - 3000 }),
    ]);
  });

  it('narrows to the visible set (nothing visible: nothing), and honours ids, time range, order and paging', async () => {
    const { files, firstVideoId } = await seeded();
    expect(await files.page({ ...page, visible: { fileIds: [], refs: [] } })).toEqual({ total: 0, files: [] });
    const onlyR1 = await files.page({ ...page, visible: { fileIds: ['r1'], refs: [] } });
    expect([onlyR1.total, onlyR1.files.map((f) => f.fileId)]).toEqual([1, ['r1']]);

    expect((await files.page({ ...page, visible: ALL, fileIds: ['r2', 'nope'] })).files.map((f) => f.fileId)).toEqual([
      'r2',
    ]);
    const window = await files.page({ ...page, visible: ALL, from: T0 - 2500, to: T0 - 1000 });
    expect(window.files.map((f) => f.fileId)).toEqual([`${LOCAL_VIDEO_PREFIX}${firstVideoId}`, 'r2']);
    const asc = await files.page({ ...page, visible: ALL, order: 'asc', offset: 1, limit: 1 });
    expect([asc.total, asc.files.map((f) => f.fileId)]).toEqual([3, ['r2']]);
  });

  it('finds one visible file by id; an invisible or unknown one is undefined', async () => {
    const { files, firstVideoId } = await seeded();
    const video = `${LOCAL_VIDEO_PREFIX}${firstVideoId}`;
    expect(await files.find(video, ALL)).toMatchObject({ fileId: video, name: 'lesson.mp4', source: 'Upload' });
    expect(await files.find('r1', ALL)).toMatchObject({ fileId: 'r1', source: 'Record' });
    expect(await files.find('r1', { fileIds: ['r2'], refs: [] })).toBeUndefined();
    expect(await files.find('nope', ALL)).toBeUndefined();
  });
});
