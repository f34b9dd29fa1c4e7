/**
 * VOD provider backed by Tencent VOD API 3.0 (`tencentcloud-sdk-nodejs-vod`, vod 2018-07-17): DescribeVodInfo is
 * carried out with SearchMedia, GetVideoInfo with DescribeMediaInfos, and both replies are translated back to the
 * v2 shapes the 2017 clients parse (docs/vod-proxy-mapping.md). The endpoint comes from config only (VOD_ENDPOINT,
 * for loopback fakes in tests), never from a request.
 */
import * as tc from 'tencentcloud-sdk-nodejs-vod';
import type {
  MediaInfo,
  SearchMediaRequest,
} from 'tencentcloud-sdk-nodejs-vod/tencentcloud/services/vod/v20180717/vod_models';
import { isoToV2Time, unixToIso } from './v2-time';
import {
  V2_FILE_NOT_FOUND,
  VodUpstreamError,
  type V2BasicInfo,
  type V2FileSetItem,
  type V2MetaData,
  type V2TranscodeItem,
  type MediaView,
  type VodProvider,
} from './types';

interface TencentVodConfig {
  secretId: string;
  secretKey: string;
  region: string;
  /** `host[:port]` or `http(s)://host[:port]`; default vod.tencentcloudapi.com over https. */
  endpoint?: string;
  timeoutS?: number;
}

/** Splits VOD_ENDPOINT into the SDK's protocol + endpoint (the SDK wants them apart). */
export function parseVodEndpoint(endpoint: string | undefined): { protocol: string; endpoint: string } {
  if (!endpoint) return { protocol: 'https://', endpoint: 'vod.tencentcloudapi.com' };
  const m = /^(https?:\/\/)?([^/]+)\/*$/.exec(endpoint);
  if (!m) throw new Error(`VOD_ENDPOINT must be host[:port] or http(s)://host[:port], got ${endpoint}`);
  return { protocol: m[1] ?? 'https://', endpoint: m[2]! };
}

type Client = InstanceType<typeof tc.vod.v20180717.Client>;

export function createTencentVod(cfg: TencentVodConfig): VodProvider {
  const { protocol, endpoint } = parseVodEndpoint(cfg.endpoint);
  const client: Client = new tc.vod.v20180717.Client({
    credential: { secretId: cfg.secretId, secretKey: cfg.secretKey },
    region: cfg.region,
    profile: { httpProfile: { endpoint, protocol, reqTimeout: cfg.timeoutS ?? 10 } },
  });

  /** Every SDK failure (Tencent error reply, HTTP error, network) becomes a VodUpstreamError with Tencent's code. */
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = e as { code?: unknown; message?: unknown; httpCode?: unknown };
      const detail = typeof err.message === 'string' ? err.message : String(e);
      // A Tencent error reply carries its own code and a message meant for callers; transport failures get a
      // generic message because theirs names this server's endpoint configuration.
      if (typeof err.code === 'string' && err.code && err.code !== 'NetworkError')
        throw new VodUpstreamError(err.code, detail, detail);
      if (typeof err.httpCode === 'number')
        throw new VodUpstreamError(`HTTP${err.httpCode}`, 'VOD API answered with an HTTP error', detail);
      throw new VodUpstreamError('NetworkError', 'VOD API could not be reached', detail);
    }
  }

  return {
    name: 'tencent',
    async describeVodInfo(q, view) {
      const req: SearchMediaRequest = {
        Sort: { Field: 'CreateTime', Order: q.order === 'asc' ? 'Asc' : 'Desc' },
        Offset: q.offset,
        Limit: q.limit,
        Filters: ['basicInfo', 'metaData'],
      };
      if (q.fileIds.length > 0) req.FileIds = q.fileIds;
      if (q.from !== undefined || q.to !== undefined) {
        req.CreateTime = {};
        if (q.from !== undefined) req.CreateTime.After = unixToIso(q.from);
        if (q.to !== undefined) req.CreateTime.Before = unixToIso(q.to);
      }
      if (q.classId !== undefined) req.ClassIds = [q.classId];
      if (q.onlyNormal) req.Status = ['Normal'];
      const r = await call(() => client.SearchMedia(req));
      // The account holds everyone's media: keep the caller's only. Tencent's TotalCount is account-wide (and would
      // tell anyone the account's size), so totalCount counts what this page shows (docs/vod-proxy-mapping.md).
      const fileSet = (r.MediaInfoSet ?? []).filter((m) => visibleMedia(m, view)).map(toFileSetItem);
      return { code: 0, message: '', totalCount: fileSet.length, fileSet };
    },

    async getVideoInfo(q, view) {
      // basicInfo is always fetched: its MediaUrl and Vid decide whether the caller may see the file.
      const filters = q.filters.includes('basicInfo') ? q.filters : [...q.filters, 'basicInfo'];
      const r = await call(() => client.DescribeMediaInfos({ FileIds: [q.fileId], Filters: filters }));
      const media = (r.MediaInfoSet ?? []).find((m) => m.FileId === q.fileId);
      if (!media || !visibleMedia(media, view)) return { ...V2_FILE_NOT_FOUND };
      return {
        code: 0,
        message: '',
        ...(q.filters.includes('basicInfo') ? { basicInfo: toBasicInfo(media) } : {}),
        ...(q.filters.includes('metaData') ? { metaData: toMetaData(media) } : {}),
        ...(q.filters.includes('transcodeInfo') ? { transcodeInfo: { transcodeList: toTranscodeList(media) } } : {}),
      };
    },
  };
}

/** Whether the caller may see a media: its file id or video id is theirs, or its URL is one they bound or recorded. */
function visibleMedia(m: MediaInfo, view: MediaView): boolean {
  const ids = [m.FileId, m.BasicInfo?.Vid].filter((x): x is string => !!x);
  if (ids.some((id) => view.fileIds.includes(id))) return true;
  const url = m.BasicInfo?.MediaUrl;
  return !!url && view.refs.includes(url);
}

/** API 3.0 media status → v2 numeric string ("2" = normal); other states keep their API 3.0 name (no v2 number known). */
function v2Status(status: string | undefined): string {
  return status === 'Normal' || status === undefined ? '2' : status;
}

function toFileSetItem(m: MediaInfo): V2FileSetItem {
  const b = m.BasicInfo ?? {};
  return {
    fileId: m.FileId ?? '',
    fileName: b.Name ?? '',
    size: String(m.MetaData?.Size ?? 0),
    duration: String(Math.round(m.MetaData?.Duration ?? 0)),
    status: v2Status(b.Status),
    vid: b.Vid ?? '',
    createTime: isoToV2Time(b.CreateTime),
    updateTime: isoToV2Time(b.UpdateTime),
    classId: String(b.ClassId ?? 0),
    className: b.ClassName ?? '',
    imageUrl: b.CoverUrl ?? '',
    tags: b.TagSet ?? [],
    description: b.Description ?? '',
    playUrl: b.MediaUrl ?? '',
  };
}

function toBasicInfo(m: MediaInfo): V2BasicInfo {
  const b = m.BasicInfo ?? {};
  return {
    name: b.Name ?? '',
    size: m.MetaData?.Size ?? 0,
    duration: Math.round(m.MetaData?.Duration ?? 0),
    description: b.Description ?? '',
    status: v2Status(b.Status),
    createTime: isoToV2Time(b.CreateTime),
    updateTime: isoToV2Time(b.UpdateTime),
    classificationId: b.ClassId ?? 0,
    classificationName: b.ClassName ?? '',
    coverUrl: b.CoverUrl ?? '',
    type: b.Type ?? '',
    sourceVideoUrl: b.MediaUrl ?? '',
    vid: b.Vid ?? '',
  };
}

function toMetaData(m: MediaInfo): V2MetaData {
  const d = m.MetaData ?? {};
  return {
    size: d.Size ?? 0,
    container: d.Container ?? '',
    bitrate: d.Bitrate ?? 0,
    height: d.Height ?? 0,
    width: d.Width ?? 0,
    duration: d.Duration ?? 0,
    rotate: d.Rotate ?? 0,
  };
}

function toTranscodeList(m: MediaInfo): V2TranscodeItem[] {
  return (m.TranscodeInfo?.TranscodeSet ?? []).map((t) => ({
    url: t.Url ?? '',
    definition: t.Definition ?? 0,
    bitrate: t.Bitrate ?? 0,
    height: t.Height ?? 0,
    width: t.Width ?? 0,
    size: t.Size ?? 0,
    duration: t.Duration ?? 0,
    container: t.Container ?? '',
    md5: t.Md5 ?? '',
  }));
}
