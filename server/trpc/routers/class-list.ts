/**
 * classListRouter: the teacher's class list (add by id, remove, CSV import) and attendance across their courses
 * (matrix, one student's history). Thin: every rule is in console/class-list.ts and console/attendance-matrix.ts.
 */
import { z } from 'zod';
import { attendanceMatrix, studentHistory } from '../../console/attendance-matrix';
import {
  addClassStudents,
  CLASS_ADD_MAX,
  classCsvInput,
  importClassCsv,
  listClassStudents,
  removeClassStudent,
} from '../../console/class-list';
import { LOOSE_ID_MAX } from '../../services/input-rules';
import { unixTimeInput, userIdInput } from '../../services/schemas';
import { router, teacherProcedure } from '../init';

const rangeInput = z.object({ from: unixTimeInput.optional(), to: unixTimeInput.optional() });
/** Ids as typed: checked per id by the service (an invalid one is reported, not refused as a whole). */
const looseId = z.string().trim().max(LOOSE_ID_MAX);

export const classListRouter = router({
  list: teacherProcedure.query(({ ctx }) => listClassStudents(ctx.ctx, ctx.caller)),
  add: teacherProcedure
    .input(z.object({ ids: z.array(looseId).min(1).max(CLASS_ADD_MAX) }))
    .mutation(async ({ ctx, input }) => {
      const results = await addClassStudents(ctx.ctx, ctx.caller, input.ids);
      return input.ids.map((id, i) => ({ id, result: results[i]! }));
    }),
  remove: teacherProcedure
    .input(z.object({ uid: userIdInput }))
    .mutation(async ({ ctx, input }) => ({ removed: await removeClassStudent(ctx.ctx, ctx.caller, input.uid) })),
  importCsv: teacherProcedure
    .input(z.object({ text: classCsvInput }))
    .mutation(({ ctx, input }) => importClassCsv(ctx.ctx, ctx.caller, input.text)),
  matrix: teacherProcedure.input(rangeInput).query(({ ctx, input }) => attendanceMatrix(ctx.ctx, ctx.caller, input)),
  student: teacherProcedure
    .input(rangeInput.extend({ uid: userIdInput }))
    .query(({ ctx, input }) => studentHistory(ctx.ctx, ctx.caller, input.uid, input)),
});
