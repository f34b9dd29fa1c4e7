/**
 * rosterRouter: who is in a live course right now. The console polls this every 2 s (see app roster component):
 * one indexed query, well inside the 3 s freshness bar.
 */
import { getTeacherCourse } from '../../services/console-courses';
import { listRoomMembers } from '../../services/members';
import { teacherProcedure, router } from '../init';
import { byRoomInput } from './course';

/** Larger rooms page in the legacy API; the console shows the first ones and the total. */
const ROSTER_LIMIT = 200;

export const rosterRouter = router({
  live: teacherProcedure.input(byRoomInput).query(async ({ ctx, input }) => {
    const c = await getTeacherCourse(ctx.ctx, ctx.caller, input.roomnum);
    const r = await listRoomMembers(ctx.ctx, { roomnum: c.roomnum, index: 0, size: ROSTER_LIMIT });
    return { state: c.state, beginTime: c.beginTime, endTime: c.endTime, now: ctx.ctx.clock.nowS(), total: r.total, members: r.members };
  }),
});
