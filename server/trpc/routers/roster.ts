/**
 * rosterRouter: who is in a live course right now. The console polls this every 2 s (see app roster component):
 * a few indexed queries, well inside the 3 s freshness bar. Heartbeat ages are answered as bounds (heartbeat-age.ts):
 * beats are coalesced, so the stored time is not the client's last beat, and the roster says only what it knows.
 */
import { memberMoves } from '../../services/course-events';
import { heartbeatAge } from '../../console/heartbeat-age';
import { countRoomMembersByRole, listRoomMembers } from '../../services/members';
import { heartbeatWriteGranularityS } from '../../services/presence';
import { courseProcedure, router } from '../init';

/** Larger rooms page in the legacy API; the console shows the first ones and the total. */
const ROSTER_LIMIT = 200;
/** The newest comings and goings shown beside the roster. */
const FEED_LIMIT = 30;

export const rosterRouter = router({
  live: courseProcedure.query(async ({ ctx }) => {
    const c = ctx.course;
    const r = await listRoomMembers(ctx.ctx, { roomnum: c.roomnum, index: 0, size: ROSTER_LIMIT });
    const now = ctx.ctx.clock.nowS();
    const granularityS = heartbeatWriteGranularityS(ctx.ctx.env);
    return {
      state: c.state,
      beginTime: c.beginTime,
      endTime: c.endTime,
      now,
      total: r.total,
      counts: await countRoomMembersByRole(ctx.ctx, c.roomnum),
      heartbeatGranularityS: granularityS,
      members: r.members.map((m) => ({ ...m, heartbeatAge: heartbeatAge(m.lastHeartbeat, now, granularityS) })),
      moves: await memberMoves(ctx.ctx, c.roomnum, FEED_LIMIT),
    };
  }),
});
