/**
 * One suite, both VOD providers: the local one over recordings / bound videos in a temp database, the Tencent one
 * (the real SDK) against the loopback fake VOD API 3.0 holding the same files. Both must give the same v2 answers.
 */
import type { MediaInfo } from 'tencentcloud-sdk-nodejs-vod/tencentcloud/services/vod/v20180717/vod_models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundFiles, courses, recordings, users } from '../../../db/schema';
import { startFakeVodServer, type FakeVodServer } from '../../testing/fake-vod-server';
import { createTestCtx, T0 } from '../../testing/test-ctx';
import { createMediaFiles } from '../../services/media-files';
import { createLocalVod, LOCAL_VIDEO_PREFIX } from './local';
import { createTencentVod } from './tencent';
import type { DescribeVodInfoQuery, MediaView, VodProvider } from './types';
import { unixToIso } from './v2-time';
import { inTransaction } from '../../../db/client';

interface SeedFile {
  fileId: string;
  name: string;
  url: string;
  size: number;
  duration: number;
  createdAt: number;
  recording: boolean;
}

const FILES: SeedFile[] = [
  {
    fileId: '5285485487985271487',
    name: 'room10001_teacher1_1799990000',
    url: 'http://vod.example/r1.mp4',
    size: 7865592,
    duration: 61,
    createdAt: T0 - 3000,
    recording: true,
  },
  {
    fileId: '5285485487985271488',
    name: 'room10001_teacher1_1799993000',
    url: 'http://vod.example/r2.flv',
    size: 1000,
    duration: 30,
    createdAt: T0 - 2000,
    recording: true,
  },
  {
    fileId: `${LOCAL_VIDEO_PREFIX}1`,
    name: 'lesson.mp4',
    url: 'http://cdn.example/lesson.mp4',
    size: 2048,
    duration: 0,
    createdAt: T0 - 1000,
    recording: false,
  },
];

function asMedia(f: SeedFile): MediaInfo {
  const container = f.url.split('.').pop()!;
  return {
    FileId: f.fileId,
    BasicInfo: {
      Name: f.name,
      Description: f.recording ? 'live recording' : '',
      CreateTime: unixToIso(f.createdAt),
      UpdateTime: unixToIso(f.createdAt),
      ClassId: 0,
      ClassName: '',
      CoverUrl: '',
      Type: container,
      MediaUrl: f.url,
      TagSet: [],
      Vid: '',
      Status: 'Normal',
    },
    MetaData: { Size: f.size, Duration: f.duration, Container: container, Bitrate: 0, Height: 0, Width: 0, Rotate: 0 },
    TranscodeInfo: {
      TranscodeSet: [
        {
          Url: f.url,
          Definition: 0,
          Bitrate: 0,
          Height: 0,
          Width: 0,
          Size: f.size,
          Duration: f.duration,
          Container: container,
          Md5: '',
        },
      ],
    },
  };
}

/** A view that sees every seeded file (by file id for recordings, by URL for the bound video). */
const ALL: MediaView = {
  fileIds: FILES.filter((f) => f.recording).map((f) => f.fileId),
  refs: ['http://cdn.example/lesson.mp4'],
  urlOf: (s) => s,
};

const q = (over: Partial<DescribeVodInfoQuery> = {}): DescribeVodInfoQuery => ({
  fileIds: [],
  onlyNormal: false,
  order: 'desc',
  offset: 0,
  limit: 10,
  ...over,
});

describe.each(['local', 'tencent'] as const)('VOD provider contract: %s', (kind) => {
  const ctx = createTestCtx();
  let fake: FakeVodServer;
  let vod: VodProvider;

  beforeAll(async () => {
    await inTransaction(ctx.db, async (tx) => {
      await tx.insert(users).values({ uid: 'teacher1', pwdHash: 'x', role: 1, createdAt: T0 });
    });
    // The first room number on a fresh database (both engines), which the file names above carry.
    const [course] = await inTransaction(ctx.db, async (tx) =>
      tx
        .insert(courses)
        .values({ appid: 1, hostUid: 'teacher1', title: 't', createdAt: T0, listTime: T0 })
        .returning({ roomnum: courses.roomnum }),
    );
    expect(course!.roomnum).toBe(10001);
    for (const f of FILES.filter((x) => x.recording)) {
      const start = Number(f.name.split('_').pop());
      await inTransaction(ctx.db, async (tx) => {
        await tx.insert(recordings).values({
          roomnum: 10001,
          uid: 'teacher1',
          fileId: f.fileId,
          videoId: 'v',
          videoUrl: f.url,
          startTime: start,
          endTime: start + f.duration,
          mediaStartTime: 0,
          fileSize: f.size,
          duration: f.duration,
          createdAt: f.createdAt,
        });
      });
    }
    // The same video bound twice (library and course) is one file.
    await inTransaction(ctx.db, async (tx) => {
      await tx.insert(boundFiles).values([
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
          roomnum: 10001,
          type: 1,
          fileName: 'lesson copy.mp4',
          url: 'http://cdn.example/lesson.mp4',
          size: 2048,
          createdAt: T0 - 500,
        },
        {
          ownerUid: 'teacher1',
          roomnum: 10001,
          type: 0,
          fileName: 'slides.pdf',
          url: 'http://cdn.example/slides.pdf',
          createdAt: T0 - 400,
        },
      ]);
    });
    fake = await startFakeVodServer({ secretId: 'AKIDEXAMPLE', secretKey: 'EXAMPLEKEY', media: FILES.map(asMedia) });
    vod =
      kind === 'local'
        ? createLocalVod(createMediaFiles(ctx.db))
        : createTencentVod({
            secretId: 'AKIDEXAMPLE',
            secretKey: 'EXAMPLEKEY',
            region: 'ap-guangzhou',
            endpoint: fake.endpoint,
          });
  });
  afterAll(() => fake.close());

  it('DescribeVodInfo lists every file, newest first, in the v2 shape', async () => {
    const r = await vod.describeVodInfo(q(), ALL);
    expect(r.code).toBe(0);
    expect(r.totalCount).toBe(3);
    expect(r.fileSet.map((f) => f.fileId)).toEqual(FILES.map((f) => f.fileId).reverse());
    expect(r.fileSet[2]).toEqual({
      fileId: '5285485487985271487',
      fileName: 'room10001_teacher1_1799990000',
      size: '7865592',
      duration: '61',
      status: '2',
      vid: '',
      createTime: '2027-01-15 15:10:00',
      updateTime: '2027-01-15 15:10:00',
      classId: '0',
      className: '',
      imageUrl: '',
      tags: [],
      description: 'live recording',
      playUrl: 'http://vod.example/r1.mp4',
    });
  });

  it('honours fileIds, time range, order and paging', async () => {
    expect(
      (await vod.describeVodInfo(q({ fileIds: ['5285485487985271488', 'nope'] }), ALL)).fileSet.map((f) => f.fileId),
    ).toEqual(['5285485487985271488']);
    const asc = await vod.describeVodInfo(q({ order: 'asc', offset: 1, limit: 1 }), ALL);
    // Tencent's TotalCount is account-wide, so the tencent provider counts the visible files of the page instead.
    expect(asc.totalCount).toBe(kind === 'local' ? 3 : 1);
    expect(asc.fileSet.map((f) => f.fileId)).toEqual(['5285485487985271488']);
    const window = await vod.describeVodInfo(q({ from: T0 - 2500, to: T0 - 1000 }), ALL);
    expect(window.fileSet.map((f) => f.fileId)).toEqual([`${LOCAL_VIDEO_PREFIX}1`, '5285485487985271488']);
    expect((await vod.describeVodInfo(q({ classId: 7 }), ALL)).totalCount).toBe(0);
    expect((await vod.describeVodInfo(q({ onlyNormal: true }), ALL)).totalCount).toBe(3);
  });

  it('GetVideoInfo gives basicInfo / metaData / transcodeInfo as asked, and the v2 not-found answer', async () => {
    const all = await vod.getVideoInfo(
      { fileId: '5285485487985271488', filters: ['basicInfo', 'metaData', 'transcodeInfo'] },
      ALL,
    );
    expect(all).toMatchObject({
      code: 0,
      basicInfo: {
        name: 'room10001_teacher1_1799993000',
        size: 1000,
        duration: 30,
        type: 'flv',
        sourceVideoUrl: 'http://vod.example/r2.flv',
        status: '2',
      },
      metaData: { size: 1000, duration: 30, container: 'flv' },
      transcodeInfo: {
        transcodeList: [
          { url: 'http://vod.example/r2.flv', definition: 0, size: 1000, duration: 30, container: 'flv' },
        ],
      },
    });
    const only = await vod.getVideoInfo({ fileId: `${LOCAL_VIDEO_PREFIX}1`, filters: ['metaData'] }, ALL);
    expect(Object.keys(only).sort()).toEqual(['code', 'message', 'metaData']);
    expect(await vod.getVideoInfo({ fileId: '999', filters: ['basicInfo'] }, ALL)).toEqual({
      code: 4000,
      codeDesc: 'InvalidParameter',
      message: 'file does not exist',
    });
  });

  it("answers only with media in the caller's view (whatever the account holds)", async () => {
    const one: MediaView = { fileIds: ['5285485487985271488'], refs: [], urlOf: (x) => x };
    const r = await vod.describeVodInfo(q(), one);
    expect(r.fileSet.map((f) => f.fileId)).toEqual(['5285485487985271488']);
    expect(r.totalCount).toBe(1);
    expect((await vod.describeVodInfo(q(), { fileIds: [], refs: [], urlOf: (x) => x })).fileSet).toEqual([]);
    expect(await vod.getVideoInfo({ fileId: '5285485487985271487', filters: ['basicInfo'] }, one)).toEqual({
      code: 4000,
      codeDesc: 'InvalidParameter',
      message: 'file does not exist',
    });
    expect((await vod.getVideoInfo({ fileId: '5285485487985271488', filters: ['basicInfo'] }, one)).code).toBe(0);
    // A bound video is seen through its URL.
    const byUrl: MediaView = { fileIds: [], refs: ['http://cdn.example/lesson.mp4'], urlOf: (x) => x };
    expect((await vod.describeVodInfo(q(), byUrl)).fileSet.map((f) => f.fileId)).toEqual([`${LOCAL_VIDEO_PREFIX}1`]);
  });
});
