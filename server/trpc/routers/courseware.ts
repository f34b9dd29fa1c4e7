/**
 * coursewareRouter: files on a course (roomnum > 0) or in the teacher's library (roomnum 0): list, presigned direct
 * upload, bind the finished upload, unbind. Binding is services/courseware.bindFile (via uploads.bindUpload), the
 * same as `live/reportbind`, so both doors see the same files.
 */
import { z } from 'zod';
import type { BoundFile } from '../../../db/schema';
import { taughtCourse } from '../../services/course-access';
import { bindTargetFor, listBoundFiles, LIBRARY, unbindFile } from '../../services/courseware';
import { attachLibraryFile, listLibrary } from '../../console/library';
import { bindUpload, requestUpload, uploadRules } from '../../services/uploads';
import { bindFileInput } from '../../services/schemas';
import { courseProcedure, teacherProcedure, router, type ConsoleContext } from '../init';
import { consoleBaseUrl, consoleUrlOf } from '../public-urls';

/** 0 = the teacher's library. */
const targetInput = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const fileNameInput = bindFileInput.shape.file_name;
const mimeInput = z.string().min(1, 'unknown file type').max(255);
const keyInput = z.string().min(1).max(850);

/** `removable`: the row can be unbound from the list it is shown in (a library row used by courses cannot). */
function fileView(cx: ConsoleContext, f: BoundFile, removable = true) {
  return {
    id: f.id,
    fileName: f.fileName,
    url: consoleUrlOf(cx, f.url),
    type: f.type,
    size: f.size,
    mime: f.mime,
    uploader: f.ownerUid,
    createdAt: f.createdAt,
    removable,
    courseCount: 0,
  };
}

export const coursewareRouter = router({
  list: teacherProcedure
    .input(
      z.object({
        roomnum: targetInput,
        page: z.number().int().min(1).max(1_000_000).default(1),
        pageSize: z.number().int().min(1).max(50).default(20),
      }),
    )
    .query(async ({ ctx, input }) => {
      const index = (input.page - 1) * input.pageSize;
      if (input.roomnum === LIBRARY) {
        // The library shows the teacher's files from every course as well as the library's own (console/library.ts).
        const lib = await listLibrary(ctx.ctx, ctx.caller, { index, size: input.pageSize });
        return {
          total: lib.total,
          files: lib.files.map((f) => ({
            ...fileView(ctx, f, f.inLibrary && f.courseCount === 0),
            courseCount: f.courseCount,
          })),
        };
      }
      // The console shows a course's files to its teacher only.
      const course = await taughtCourse(ctx.ctx, ctx.caller, input.roomnum);
      const r = await listBoundFiles(ctx.ctx, { course }, { index, size: input.pageSize });
      return { total: r.total, files: r.files.map((f) => fileView(ctx, f)) };
    }),

  /** What may be uploaded: kinds with their extensions and the size limit (services/uploads.ts is the one list). */
  uploadRules: teacherProcedure.query(({ ctx }) => uploadRules(ctx.ctx)),

  requestUpload: teacherProcedure
    .input(
      z.object({
        purpose: z.enum(['courseware', 'cover']).default('courseware'),
        roomnum: targetInput.default(LIBRARY),
        fileName: fileNameInput,
        mime: mimeInput,
        size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      }),
    )
    .mutation(({ ctx, input }) => requestUpload(ctx.ctx, ctx.caller, input)),

  bind: teacherProcedure
    .input(z.object({ roomnum: targetInput, key: keyInput, fileName: fileNameInput, mime: mimeInput }))
    .mutation(async ({ ctx, input }) => fileView(ctx, await bindUpload(ctx.ctx, ctx.caller, input))),

  /** Attach a file from the teacher's library to a course (same URL, bound through courseware.bindFile). */
  attachFromLibrary: courseProcedure
    .input(z.object({ fileId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }))
    .mutation(async ({ ctx, input }) => fileView(ctx, await attachLibraryFile(ctx.ctx, ctx.course, input))),

  unbind: teacherProcedure
    .input(z.object({ roomnum: targetInput, url: bindFileInput.shape.url }))
    .mutation(async ({ ctx, input }) => {
      const to = await bindTargetFor(ctx.ctx, ctx.caller, input.roomnum);
      await unbindFile(ctx.ctx, to, input.url, consoleBaseUrl(ctx));
      return { ok: true as const };
    }),
});
