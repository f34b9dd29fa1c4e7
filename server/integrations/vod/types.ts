/**
 * What the legacy VOD proxy (vod/cmd_proxy) needs from a VOD service: the two read-only API v2 actions the 2017
 * clients call, answered in the v2 reply shape they parse. `tencent.ts` carries them out with VOD API 3.0
 * (SearchMedia / DescribeMediaInfos) and translates back; `local.ts` answers from what this server knows.
 * The field mapping is documented in docs/vod-proxy-mapping.md.
 */

/** DescribeVodInfo, already validated and normalised from v2 params. */
export interface DescribeVodInfoQuery {
  /** `fileIds.n`; empty = no filter. */
  fileIds: string[];
  /** Inclusive creation-time bounds, unix seconds. */
  from?: number;
  to?: number;
  classId?: number;
  /** Only 'normal' can be asked for (v2 status 2). */
  onlyNormal: boolean;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** GetVideoInfo: one file, and which parts of its description to return. */
export interface GetVideoInfoQuery {
  fileId: string;
  filters: VideoInfoFilter[];
}

export const VIDEO_INFO_FILTERS = ['basicInfo', 'metaData', 'transcodeInfo'] as const;
type VideoInfoFilter = (typeof VIDEO_INFO_FILTERS)[number];

/** One entry of DescribeVodInfo's `fileSet` (v2 numbers are strings, times `YYYY-MM-DD HH:MM:SS` Beijing time). */
export interface V2FileSetItem {
  fileId: string;
  fileName: string;
  size: string;
  duration: string;
  status: string;
  vid: string;
  createTime: string;
  updateTime: string;
  classId: string;
  className: string;
  imageUrl: string;
  tags: string[];
  description: string;
  /** Where the file plays (the source/original URL). */
  playUrl: string;
}

export interface V2DescribeVodInfoReply {
  code: 0;
  message: '';
  totalCount: number;
  fileSet: V2FileSetItem[];
}

export interface V2BasicInfo {
  name: string;
  size: number;
  duration: number;
  description: string;
  status: string;
  createTime: string;
  updateTime: string;
  classificationId: number;
  classificationName: string;
  coverUrl: string;
  type: string;
  sourceVideoUrl: string;
  vid: string;
}

export interface V2MetaData {
  size: number;
  container: string;
  bitrate: number;
  height: number;
  width: number;
  duration: number;
  rotate: number;
}

export interface V2TranscodeItem {
  url: string;
  definition: number;
  bitrate: number;
  height: number;
  width: number;
  size: number;
  duration: number;
  container: string;
  md5: string;
}

/** GetVideoInfo reply: `code` 0 with the requested parts, or a v2 error code when the file does not exist. */
export type V2GetVideoInfoReply =
  | {
      code: 0;
      message: '';
      basicInfo?: V2BasicInfo;
      metaData?: V2MetaData;
      transcodeInfo?: { transcodeList: V2TranscodeItem[] };
    }
  | { code: number; codeDesc: string; message: string };

/** The v2 answer for an unknown file id (same shape both providers give). */
export const V2_FILE_NOT_FOUND = { code: 4000, codeDesc: 'InvalidParameter', message: 'file does not exist' } as const;

/**
 * The media one caller may see (decided by services/playback-access.ts visibleMedia): a file is shown when its file
 * id (or video id) is in `fileIds` or its URL, as stored, is in `refs`. A VOD account holds far more than one
 * caller's files, so every answer is narrowed to this.
 */
export interface MediaView {
  fileIds: readonly string[];
  /** Stored references (`storage:<key>` or external URLs) of visible recordings and bound videos. */
  refs: readonly string[];
  /** Builds the URL a client plays a stored reference at (the local provider's URLs are stored references). */
  urlOf(stored: string): string;
}

export interface VodProvider {
  readonly name: 'local' | 'tencent';
  describeVodInfo(q: DescribeVodInfoQuery, view: MediaView): Promise<V2DescribeVodInfoReply>;
  getVideoInfo(q: GetVideoInfoQuery, view: MediaView): Promise<V2GetVideoInfoReply>;
}

/** Tencent answered with an error (or could not be reached). `code` is Tencent's error code string. */
export class VodUpstreamError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** For logs only (may name internal endpoints): never shown to clients. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'VodUpstreamError';
  }
}
