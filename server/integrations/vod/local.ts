/**
 * Offline VOD provider: answers DescribeVodInfo / GetVideoInfo from what this server knows, in the same v2 shapes
 * the Tencent provider produces, narrowed in SQL to the caller's MediaView (so totals and pages count only those). Its files are the live recordings the recording callback stored (`recordings`,
 * file id = Tencent's file id) and the videos teachers bound (`bound_files` type 1, one file per distinct URL, file
 * id `local-video-<first row id>`). All local files count as normal (status "2") and class 0.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client';
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

interface FileRow {
  fileId: string;
  name: string;
  url: string;
  size: number;
  duration: number;
  createdAt: number;
  source: 'Record' | 'Upload';
}

/** Every file the server knows, as one relation (recordings ∪ distinct bound video URLs). */
const FILES = sql`
  SELECT file_id AS fileId, 'room' || roomnum || '_' || uid || '_' || start_time AS name, video_url AS url,
         file_size AS size, duration, created_at AS createdAt, 'Record' AS source
    FROM recordings
  UNION ALL
  SELECT ${LOCAL_VIDEO_PREFIX} || min(id), file_name, url, max(size), 0, min(created_at), 'Upload'
    FROM bound_files WHERE type = 1 GROUP BY url`;

/** Container name from a URL's extension ('' when it has none). */
function containerOf(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(path);
  return m ? m[1]!.toLowerCase() : '';
}

/** The view as a condition over the FILES relation. */
function visibleIn(view: MediaView): SQL {
  return sql`(fileId IN (SELECT value FROM json_each(${JSON.stringify(view.fileIds)})) OR url IN (SELECT value FROM json_each(${JSON.stringify(view.refs)})))`;
}

function toFileSetItem(r: FileRow): V2FileSetItem {
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

export function createLocalVod(db: Db): VodProvider {
  return {
    name: 'local',
    async describeVodInfo(q: DescribeVodInfoQuery, view: MediaView) {
      const conds: SQL[] = [visibleIn(view)];
      if (q.fileIds.length > 0)
        conds.push(
          sql`fileId IN (${sql.join(
            q.fileIds.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        );
      if (q.from !== undefined) conds.push(sql`createdAt >= ${q.from}`);
      if (q.to !== undefined) conds.push(sql`createdAt <= ${q.to}`);
      // Local files all sit in class 0; any other class holds nothing here.
      if (q.classId !== undefined && q.classId !== 0) conds.push(sql`0`);
      const where = conds.length ? sql`WHERE ${sql.join(conds, sql` AND `)}` : sql``;
      const dir = q.order === 'asc' ? sql`ASC` : sql`DESC`;
      const total = await db.get<{ n: number }>(sql`WITH files AS (${FILES}) SELECT count(*) AS n FROM files ${where}`);
      const rows = await db.all<FileRow>(
        sql`WITH files AS (${FILES}) SELECT * FROM files ${where} ORDER BY createdAt ${dir}, fileId ${dir} LIMIT ${q.limit} OFFSET ${q.offset}`,
      );
      return {
        code: 0,
        message: '',
        totalCount: total?.n ?? 0,
        fileSet: rows.map((r) => toFileSetItem({ ...r, url: view.urlOf(r.url) })),
      };
    },

    async getVideoInfo(q, view): Promise<V2GetVideoInfoReply> {
      const row = await db.get<FileRow>(
        sql`WITH files AS (${FILES}) SELECT * FROM files WHERE fileId = ${q.fileId} AND ${visibleIn(view)} LIMIT 1`,
      );
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
