/** dashboardRouter: the console home (console/dashboard.ts). */
import { z } from 'zod';
import { teacherDashboard } from '../../console/dashboard';
import { teacherProcedure, router } from '../init';

export const dashboardRouter = router({
  /** `eastMin`: the browser's UTC offset in minutes east (China 480), so days are the teacher's days. */
  home: teacherProcedure
    .input(
      z.object({
        eastMin: z
          .number()
          .int()
          .min(-14 * 60)
          .max(14 * 60)
          .default(0),
      }),
    )
    .query(({ ctx, input }) => teacherDashboard(ctx.ctx, ctx.caller, input)),
});
