/**
 * Offline VOD provider: answers DescribeVodInfo / GetVideoInfo from what this server knows, in the same v2 shapes
 * the Tencent provider produces, narrowed to the caller's MediaView (so totals and pages count only those). Its files
 * (the live recordings the recording callback stored and the videos teachers bound) come from a `LocalVodFiles` source
 * given to the constructor (services/media-files.ts over the database). All local files count as normal (status "2")
 * and class 0.
 */
import { unixToV2Time } from './v2-time';
import {
  V2_FILE_NOT_FOUND,
  type DescribeVodInfoQuery,
  type MediaView,
  type V2FileSetItem,
  type V2GetVideoInfoReply,
  type VodProvider,
} from './types';

/** Prefix of the file ids given to bound videos (recordings keep Tencent's numeric ids). */
export const LOCAL_VIDEO_PREFIX = 'local-video-';

/** A file the server knows (a recording or a bound video), with its URL as stored. */
export interface LocalVodFile {
  fileId: string;
  name: string;
  url: string;
  size: number;
  duration: number;
  createdAt: number;
  source: 'Record' | 'Upload';
}

/** What a caller may see: files whose id is in `fileIds` or whose stored URL is in `refs` (a MediaView's sets). */
export type LocalVodVisible = Pick<MediaView, 'fileIds' | 'refs'>;

/** One DescribeVodInfo page: the visible files matching the filters, ordered by creation time then file id. */
export interface LocalVodFileQuery {
  visible: LocalVodVisible;
  /** Empty = no filter. */
  fileIds: string[];
  from?: number;
  to?: number;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** Where the provider's files come from: the server's own tables (services/media-files.ts). */
export interface LocalVodFiles {
  /** The page, and how many visible files match in all. */
  page(q: LocalVodFileQuery): Promise<{ total: number; files: LocalVodFile[] }>;
  /** One visible file by id. */
  find(fileId: string, visible: LocalVodVisible): Promise<LocalVodFile | undefined>;
}

/** Container name from a URL's extension ('' when it has none). */
function containerOf(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(path);
  return m ? m[1]!.toLowerCase() : '';
}

function toFileSetItem(r: LocalVodFile): V2FileSetItem {
  const t = unixToV2Time(r.createdAt);
  return {
    fileId: r.fileId,
    fileName: r.name,
    size: String(r.size),
    duration: String(r.duration),
    status: '2',
    vid: '',
    createTime: t,
    updateTime: t,
    classId: '0',
    className: '',
    imageUrl: '',
    tags: [],
    description: r.source === 'Record' ? 'live recording' : '',
    playUrl: r.url,
  };
}

export function createLocalVod(files: LocalVodFiles): VodProvider {
  return {
    name: 'local',
    async describeVodInfo(q: DescribeVodInfoQuery, view: MediaView) {
      // Local files all sit in class 0; any other class holds nothing here.
      const { total, files: page } =
        q.classId !== undefined && q.classId !== 0
          ? { total: 0, files: [] }
          : await files.page({
              visible: view,
              fileIds: q.fileIds,
              from: q.from,
              to: q.to,
              order: q.order,
              offset: q.offset,
              limit: q.limit,
            });
      return {
        code: 0,
        message: '',
        totalCount: total,
        fileSet: page.map((r) => toFileSetItem({ ...r, url: view.urlOf(r.url) })),
      };
    },

    async getVideoInfo(q, view): Promise<V2GetVideoInfoReply> {
      const row = await files.find(q.fileId, view);
      if (!row) return { ...V2_FILE_NOT_FOUND };
      const r = { ...row, url: view.urlOf(row.url) };
      const container = containerOf(r.url);
      const t = unixToV2Time(r.createdAt);
      return {
        code: 0,
        message: '',
        ...(q.filters.includes('basicInfo')
          ? {
              basicInfo: {
                name: r.name,
                size: r.size,
                duration: r.duration,
                description: r.source === 'Record' ? 'live recording' : '',
                status: '2',
                createTime: t,
                updateTime: t,
                classificationId: 0,
                classificationName: '',
                coverUrl: '',
                type: container,
                sourceVideoUrl: r.url,
                vid: '',
              },
            }
          : {}),
        ...(q.filters.includes('metaData')
          ? { metaData: { size: r.size, container, bitrate: 0, height: 0, width: 0, duration: r.duration, rotate: 0 } }
          : {}),
        // The original file is the only rendition the server has: Tencent lists the source as definition 0.
        ...(q.filters.includes('transcodeInfo')
          ? {
              transcodeInfo: {
                transcodeList: [
                  {
                    url: r.url,
                    definition: 0,
                    bitrate: 0,
                    height: 0,
                    width: 0,
                    size: r.size,
                    duration: r.duration,
                    container,
                    md5: '',
                  },
                ],
              },
            }
          : {}),
      };
    },
  };
}
