/**
 * A member leaving a room, written once: exited_at set and a leave event logged, in the caller's transaction. Used by
 * `live/reportmemid` exit (members.ts), a course's end (courses.ts closeCourseTx: everyone still in the room) and the
 * sweeper's timeout of a silent member (course-timeouts.ts). Conditional on still being in the room, so a repeated or
 * concurrent leave changes nothing and logs nothing. A leaf module (no service imports) so courses.ts and members.ts
 * can both use it without an import cycle.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { members } from '../../db/schema';
import { appendEvents } from './course-events';

/** `exit`: the member (or the course's end) left; `timeout`: the sweeper noticed silence (event member_timeout). */
export type LeaveReason = 'exit' | 'timeout';

/**
 * Marks `who` (one member, or everyone still in the room) as left at `at` and logs a member_exit / member_timeout
 * event for each (a timeout keeps the member's last heartbeat: when they really left, course-events.ts memberLeftAt).
 * Returns who left now: empty when nobody was in the room (never entered, or already left).
 */
export async function leaveRoomTx(
  tx: Tx,
  roomnum: number,
  who: { uid: string } | 'everyone',
  at: number,
  reason: LeaveReason,
): Promise<{ uid: string; role: number }[]> {
  const left = await tx
    .update(members)
    .set({ exitedAt: at })
    .where(
      and(
        eq(members.roomnum, roomnum),
        who === 'everyone' ? undefined : eq(members.uid, who.uid),
        isNull(members.exitedAt),
      ),
    )
    .returning({ uid: members.uid, role: members.role, lastHeartbeat: members.lastHeartbeat });
  await appendEvents(
    tx,
    left.map((m) => ({
      roomnum,
      at,
      kind: reason === 'exit' ? ('member_exit' as const) : ('member_timeout' as const),
      uid: m.uid,
      role: m.role,
      detail: reason === 'timeout' ? { lastHeartbeat: m.lastHeartbeat } : undefined,
    })),
  );
  return left.map(({ uid, role }) => ({ uid, role }));
}
