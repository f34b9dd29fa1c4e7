/**
 * The video files this server knows, as the local VOD provider lists them (integrations/vod/local.ts): the live
 * recordings the recording callback stored (`recordings`, file id = Tencent's file id) and the videos teachers bound
 * (`bound_files` type 1, one file per distinct URL, file id `local-video-<first row id>`). Narrowed in SQL to what the
 * caller may see (the MediaView's file ids and stored references), so totals and pages count only those. Built over
 * the database when the context is (context.ts), handed to the provider through its constructor.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  LOCAL_VIDEO_PREFIX,
  type LocalVodFile,
  type LocalVodFileQuery,
  type LocalVodFiles,
  type LocalVodVisible,
} from '../integrations/vod/local';

/** Every file the server knows, as one relation (recordings ∪ distinct bound video URLs). */
const FILES = sql`
  SELECT file_id AS fileId, 'room' || roomnum || '_' || uid || '_' || start_time AS name, video_url AS url,
         file_size AS size, duration, created_at AS createdAt, 'Record' AS source
    FROM recordings
  UNION ALL
  SELECT ${LOCAL_VIDEO_PREFIX} || min(id), file_name, url, max(size), 0, min(created_at), 'Upload'
    FROM bound_files WHERE type = 1 GROUP BY url`;

/** The visible set as a condition over the FILES relation. */
function visibleIn(v: LocalVodVisible): SQL {
  return sql`(fileId IN (SELECT value FROM json_each(${JSON.stringify(v.fileIds)})) OR url IN (SELECT value FROM json_each(${JSON.stringify(v.refs)})))`;
}

export function createMediaFiles(db: Db): LocalVodFiles {
  return {
    async page(q: LocalVodFileQuery) {
      const conds: SQL[] = [visibleIn(q.visible)];
      if (q.fileIds.length > 0)
        conds.push(
          sql`fileId IN (${sql.join(
            q.fileIds.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        );
      if (q.from !== undefined) conds.push(sql`createdAt >= ${q.from}`);
      if (q.to !== undefined) conds.push(sql`createdAt <= ${q.to}`);
      const where = sql`WHERE ${sql.join(conds, sql` AND `)}`;
      const dir = q.order === 'asc' ? sql`ASC` : sql`DESC`;
      const total = await db.get<{ n: number }>(sql`WITH files AS (${FILES}) SELECT count(*) AS n FROM files ${where}`);
      const files = await db.all<LocalVodFile>(
        sql`WITH files AS (${FILES}) SELECT * FROM files ${where} ORDER BY createdAt ${dir}, fileId ${dir} LIMIT ${q.limit} OFFSET ${q.offset}`,
      );
      return { total: total?.n ?? 0, files };
    },

    async find(fileId: string, visible: LocalVodVisible) {
      return db.get<LocalVodFile | undefined>(
        sql`WITH files AS (${FILES}) SELECT * FROM files WHERE fileId = ${fileId} AND ${visibleIn(visible)} LIMIT 1`,
      );
    },
  };
}
