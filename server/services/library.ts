/**
 * The teacher's courseware library (bound_files with roomnum 0) used from a course: attaching a library file binds
 * the same URL to the course through courseware.bindFile, so `live/querybind` of the course lists it too.
 * Caller: tRPC courseware router.
 */
import { and, eq } from 'drizzle-orm';
import { boundFiles, type BoundFile } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { getTeacherCourse } from './console-courses';
import { bindFile, LIBRARY } from './courseware';
import type { Caller } from './schemas';

/**
 * Binds one of the caller's library files to the caller's course. Throws NOT_FOUND (no such library file of theirs),
 * ROOM_NOT_FOUND, NO_PRIVILEGE, COURSE_STATE, FILE_ALREADY_BOUND.
 */
export async function attachLibraryFile(ctx: ServiceCtx, caller: Caller, input: { roomnum: number; fileId: number }): Promise<BoundFile> {
  const c = await getTeacherCourse(ctx, caller, input.roomnum);
  const f = await ctx.db.query.boundFiles.findFirst({
    where: and(eq(boundFiles.id, input.fileId), eq(boundFiles.roomnum, LIBRARY), eq(boundFiles.ownerUid, caller.uid)),
  });
  if (!f) throw new AppError('NOT_FOUND', 'no such file in your library');
  return bindFile(ctx, caller, c.roomnum, { type: f.type === 1 ? 1 : 0, file_name: f.fileName, url: f.url }, { size: f.size, mime: f.mime });
}
