/**
 * The local VOD provider over the file source it is given (no database of its own): what it asks the source for,
 * and how it answers in the v2 shape. The source over the real tables is exercised by contract.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createLocalVod, type LocalVodFile, type LocalVodFileQuery, type LocalVodFiles } from './local';
import { V2_FILE_NOT_FOUND, type DescribeVodInfoQuery, type MediaView } from './types';

const FILE: LocalVodFile = {
  fileId: 'local-video-3',
  name: 'lesson.mp4',
  url: 'storage:videos/lesson.mp4',
  size: 2048,
  duration: 0,
  createdAt: 1_800_000_000,
  source: 'Upload',
};

function source() {
  const asked: { page: LocalVodFileQuery[]; find: string[] } = { page: [], find: [] };
  const files: LocalVodFiles = {
    async page(q) {
      asked.page.push(q);
      return { total: 7, files: [FILE] };
    },
    async find(fileId) {
      asked.find.push(fileId);
      return fileId === FILE.fileId ? FILE : undefined;
    },
  };
  return { files, asked };
}

const view: MediaView = {
  fileIds: ['a'],
  refs: [FILE.url],
  urlOf: (stored) => `http://class.example/storage/${stored.slice('storage:'.length)}`,
};
const q = (over: Partial<DescribeVodInfoQuery> = {}): DescribeVodInfoQuery => ({
  fileIds: [],
  onlyNormal: false,
  order: 'desc',
  offset: 0,
  limit: 10,
  ...over,
});

describe('createLocalVod over a file source', () => {
  it('asks the source for the visible page with the filters, and answers with playable URLs', async () => {
    const { files, asked } = source();
    const r = await createLocalVod(files).describeVodInfo(q({ fileIds: ['x'], from: 5, to: 9, order: 'asc' }), view);
    expect(asked.page).toEqual([{ visible: view, fileIds: ['x'], from: 5, to: 9, order: 'asc', offset: 0, limit: 10 }]);
    expect(r).toMatchObject({ code: 0, totalCount: 7 });
    expect(r.fileSet).toEqual([
      expect.objectContaining({ fileId: FILE.fileId, playUrl: 'http://class.example/storage/videos/lesson.mp4' }),
    ]);
  });

  it('a class other than 0 holds nothing: the source is not asked', async () => {
    const { files, asked } = source();
    expect(await createLocalVod(files).describeVodInfo(q({ classId: 3 }), view)).toEqual({
      code: 0,
      message: '',
      totalCount: 0,
      fileSet: [],
    });
    expect(asked.page).toEqual([]);
  });

  it('GetVideoInfo: the file the source finds, or the v2 not-found answer', async () => {
    const { files, asked } = source();
    const vod = createLocalVod(files);
    const found = await vod.getVideoInfo({ fileId: FILE.fileId, filters: ['basicInfo'] }, view);
    expect(found).toMatchObject({ code: 0, basicInfo: { name: 'lesson.mp4', type: 'mp4' } });
    expect(await vod.getVideoInfo({ fileId: 'nope', filters: ['basicInfo'] }, view)).toEqual(V2_FILE_NOT_FOUND);
    expect(asked.find).toEqual([FILE.fileId, 'nope']);
  });
});
