/**
 * The teacher's courseware library as the console shows it: every file the teacher has, whether kept in the library
 * itself (bound_files with roomnum 0) or uploaded to one of their courses, once per URL, usable in any lesson.
 * Attaching a library file binds the same URL to a course through courseware.bindFile, so `live/querybind` of the
 * course lists it too. The legacy `live/querybind` with roomnum 0 still lists only the library rows (the 2017 meaning).
 * Caller: tRPC courseware router.
 */
import { and, countDistinct, desc, eq, inArray, sql } from 'drizzle-orm';
import { boundFiles, type BoundFile } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import type { TaughtCourse, Teacher } from '../services/course-access';
import { bindFile, courseTarget, LIBRARY } from '../services/courseware';

/** One file of the library: its latest binding, where it is kept, and in how many of the teacher's courses. */
interface LibraryFile extends BoundFile {
  /** Kept in the library itself (roomnum 0), not only in courses. */
  inLibrary: boolean;
  courseCount: number;
}

/**
 * The caller's files from the library and from every course of theirs, one row per URL (its latest binding), newest
 * first. Duplicates (the same upload attached to several courses) are folded by URL.
 */
export async function listLibrary(
  ctx: ServiceCtx,
  teacher: Teacher,
  input: { index: number; size: number },
): Promise<{ total: number; files: LibraryFile[] }> {
  const mine = eq(boundFiles.ownerUid, teacher.uid);
  const [{ total }] = (await ctx.db
    .select({ total: countDistinct(boundFiles.url) })
    .from(boundFiles)
    .where(mine)) as [{ total: number }];
  if (input.size === 0 || total <= input.index) return { total, files: [] };
  // Aggregates read as numbers on both engines (PostgreSQL returns int8 or numeric).
  const lastId = sql<number>`max(${boundFiles.id})`.mapWith(Number);
  const groups = await ctx.db
    .select({
      id: lastId,
      lastAt: sql<number>`max(${boundFiles.createdAt})`.mapWith(Number),
      libraryRows: sql<number>`sum(case when ${boundFiles.roomnum} = ${LIBRARY} then 1 else 0 end)`.mapWith(Number),
      courseCount:
        sql<number>`count(distinct case when ${boundFiles.roomnum} <> ${LIBRARY} then ${boundFiles.roomnum} end)`.mapWith(
          Number,
        ),
    })
    .from(boundFiles)
    .where(mine)
    .groupBy(boundFiles.url)
    .orderBy(desc(sql`max(${boundFiles.createdAt})`), desc(lastId))
    .limit(input.size)
    .offset(input.index);
  if (groups.length === 0) return { total, files: [] };
  const rows = await ctx.db
    .select()
    .from(boundFiles)
    .where(
      inArray(
        boundFiles.id,
        groups.map((g) => g.id),
      ),
    );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const files = groups.flatMap((g) => {
    const r = byId.get(g.id);
    return r ? [{ ...r, inLibrary: g.libraryRows > 0, courseCount: g.courseCount }] : [];
  });
  return { total, files };
}

/**
 * Binds one of the teacher's files (kept in the library or in any of their courses) to their course `c` (the door
 * resolved it). Throws NOT_FOUND (no such file of theirs), COURSE_STATE, FILE_ALREADY_BOUND.
 */
export async function attachLibraryFile(
  ctx: ServiceCtx,
  c: TaughtCourse,
  input: { fileId: number },
): Promise<BoundFile> {
  const f = await ctx.db.query.boundFiles.findFirst({
    where: and(eq(boundFiles.id, input.fileId), eq(boundFiles.ownerUid, c.hostUid)),
  });
  if (!f) throw new AppError('NOT_FOUND', 'no such file in your library');
  return bindFile(
    ctx,
    courseTarget(c),
    { type: f.type === 1 ? 1 : 0, file_name: f.fileName, url: f.url },
    { size: f.size, mime: f.mime },
  );
}
