/**
 * The video files this server knows, as the local VOD provider lists them (integrations/vod/local.ts): the live
 * recordings the recording callback stored (`recordings`, file id = Tencent's file id) and the videos teachers bound
 * (`bound_files` type 1, one file per distinct URL, file id `local-video-<first row id>`). Narrowed in SQL to what the
 * caller may see (the MediaView's file ids and stored references), so totals and pages count only those. Built over
 * the database when the context is (context.ts), handed to the provider through its constructor.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { rawRows } from '../../db/dialect';
import {
  LOCAL_VIDEO_PREFIX,
  type LocalVodFile,
  type LocalVodFileQuery,
  type LocalVodFiles,
  type LocalVodVisible,
} from '../integrations/vod/local';

/**
 * Every file the server knows, as one relation (recordings ∪ distinct bound video URLs). Portable SQL for both
 * engines: the camelCase aliases are quoted (PostgreSQL folds unquoted names to lower case), numbers are cast before
 * being concatenated and the prefix parameter is typed (PostgreSQL does not guess an operator for an untyped one).
 * A URL bound several times is one file, named as its first binding (PostgreSQL has no bare columns in a GROUP BY).
 */
const FILES = sql`
  SELECT file_id AS "fileId",
         'room' || cast(roomnum AS text) || '_' || uid || '_' || cast(start_time AS text) AS name,
         video_url AS url, file_size AS size, duration, created_at AS "createdAt", 'Record' AS source
    FROM recordings
  UNION ALL
  SELECT cast(${LOCAL_VIDEO_PREFIX} AS text) || cast(b.id AS text), b.file_name, b.url, g.size, 0, g.created_at,
         'Upload'
    FROM bound_files b
    JOIN (SELECT min(id) AS id, max(size) AS size, min(created_at) AS created_at
            FROM bound_files WHERE type = 1 GROUP BY url) g ON b.id = g.id`;

/** `expr IN (values…)`, false for an empty list (as drizzle's inArray). */
function inList(expr: SQL, values: readonly string[]): SQL {
  if (values.length === 0) return sql`false`;
  return sql`${expr} IN (${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

/** The visible set as a condition over the FILES relation. */
function visibleIn(v: LocalVodVisible): SQL {
  return sql`(${inList(sql`"fileId"`, v.fileIds)} OR ${inList(sql`url`, v.refs)})`;
}

export function createMediaFiles(db: Db): LocalVodFiles {
  return {
    async page(q: LocalVodFileQuery) {
      const conds: SQL[] = [visibleIn(q.visible)];
      if (q.fileIds.length > 0) conds.push(inList(sql`"fileId"`, q.fileIds));
      if (q.from !== undefined) conds.push(sql`"createdAt" >= ${q.from}`);
      if (q.to !== undefined) conds.push(sql`"createdAt" <= ${q.to}`);
      const where = sql`WHERE ${sql.join(conds, sql` AND `)}`;
      const dir = q.order === 'asc' ? sql`ASC` : sql`DESC`;
      const [total] = await rawRows<{ n: number | string }>(
        db,
        sql`WITH files AS (${FILES}) SELECT count(*) AS n FROM files ${where}`,
      );
      const files = await rawRows<LocalVodFile>(
        db,
        sql`WITH files AS (${FILES}) SELECT * FROM files ${where} ORDER BY "createdAt" ${dir}, "fileId" ${dir} LIMIT ${q.limit} OFFSET ${q.offset}`,
      );
      return { total: Number(total?.n ?? 0), files };
    },

    async find(fileId: string, visible: LocalVodVisible) {
      const rows = await rawRows<LocalVodFile>(
        db,
        sql`WITH files AS (${FILES}) SELECT * FROM files WHERE "fileId" = ${fileId} AND ${visibleIn(visible)} LIMIT 1`,
      );
      return rows[0];
    },
  };
}
