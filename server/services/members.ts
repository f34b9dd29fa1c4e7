/**
 * Room membership: heartbeats (the hottest path: every client, every 3 s), enter/exit reports, the member list.
 * Callers: `live/heartbeat`, `live/reportmemid`, `live/roomidlist`, console roster.
 */
import { and, asc, count, desc, eq, isNull, sql } from 'drizzle-orm';
import { first, inTransaction, type Db, type Tx } from '../../db/client';
import { courses, members } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { IM_MSG } from '../integrations/im/types';
import { appendEvents } from './course-events';
import { getCourse } from './course-access';
import { imPayload, sendCourseIm } from './course-im';
import { memberRole } from './courses';
import { leaveRoomTx } from './leave-room';
import { perCtxCache } from './hot-read-cache';
import { preparedFor } from './prepared';
import { hasEnded, isLive, isTeacher } from './course-state';
import { type Caller } from './schemas';

/**
 * How often the teacher's open console page beats for the course (course.beat): every 30 s, or a third of
 * COURSE_DEAD_S when that is shorter, so two beats may be lost before the sweeper calls the course dead.
 */
export function hostBeatIntervalS(env: { COURSE_DEAD_S: number }): number {
  return Math.max(1, Math.min(30, Math.floor(env.COURSE_DEAD_S / 3)));
}

const courseHost = preparedFor((db) =>
  db
    .select({ hostUid: courses.hostUid })
    .from(courses)
    .where(and(eq(courses.roomnum, sql.placeholder('roomnum')), eq(courses.appid, sql.placeholder('appid'))))
    .prepare(),
);

/** A room's host as this process read it recently (hot-read-cache.ts; a host never changes). */
const roomHosts = perCtxCache<{ hostUid: string }>('room-hosts');

/**
 * Refreshes the caller's member heartbeat and, for the host, the course's — the hottest path (every client, every
 * 3 s): one prepared indexed read (the room must exist; reused for HOT_READ_CACHE_S), then the beat goes to this process's presence buffer, which
 * writes all beats in one transaction per PRESENCE_FLUSH_MS (services/presence.ts). A member the sweeper or teacher
 * exited meanwhile is not revived. Throws ROOM_NOT_FOUND. A heartbeat from someone not in the room changes nothing
 * (entering is reportmemid's job).
 */
export async function recordHeartbeat(ctx: ServiceCtx, caller: Caller, roomnum: number): Promise<void> {
  const hosts = roomHosts(ctx);
  let c = hosts.get(String(roomnum));
  if (!c) {
    [c] = await courseHost(ctx).execute({ roomnum, appid: ctx.env.SDKAPPID });
    if (!c) throw new AppError('ROOM_NOT_FOUND');
    hosts.set(String(roomnum), c);
  }
  await ctx.presence.beat({ roomnum, uid: caller.uid, isHost: c.hostUid === caller.uid, at: ctx.clock.nowS() });
}

/**
 * Enter (operate 0) or exit (operate 1) a live course, seated with memberRole (1 only for the host). Enter sends IM 1003 first (failure → IM_SEND_FAILED, nothing
 * changes), then upserts the membership; re-entering is allowed. Exit of a room never entered → NOT_IN_ROOM; a
 * repeated exit is fine. Throws ROOM_NOT_FOUND, COURSE_STATE, NOT_IN_ROOM, IM_SEND_FAILED.
 *
 * Enters are bounded per member and course (MEMBER_ENTERS_PER_COURSE, counted in `members.enters`): any account may
 * enter any live course, and without a bound one could add thousands of enter/leave events and IM 1003s to another
 * teacher's course in seconds. Beyond the bound an enter is answered as done (a client on a flaky network that
 * re-enters that often keeps working) but changes nothing: no IM, no stay, no heartbeat — the member stays out, so
 * the course's attendance counts only the stays it logged, never longer than the member was in. Exits are not
 * bounded: each ends a logged stay, so there are never more of them than enters. The course's own teacher is not
 * bounded (their course must not lose its host).
 */
export async function reportMember(
  ctx: ServiceCtx,
  caller: Caller,
  input: { roomnum: number; operate: 0 | 1; timeStamp: number },
): Promise<void> {
  const c = await getCourse(ctx, input.roomnum);
  if (input.operate === 1 && hasEnded(c)) {
    // A leave racing the teacher's exitroom: ending the course recorded every member's leave already, so a member
    // of the room gets 0 (the 2017 PC client stays in the room on any other code); someone never in it, 10107.
    const member = first(
      await ctx.db
        .select({ uid: members.uid })
        .from(members)
        .where(and(eq(members.roomnum, c.roomnum), eq(members.uid, caller.uid)))
        .limit(1),
    );
    if (!member) throw new AppError('NOT_IN_ROOM');
    return;
  }
  if (!isLive(c)) throw new AppError('COURSE_STATE', 'members can only enter or leave a live course');
  if (input.operate === 0) {
    const bounded = c.hostUid !== caller.uid;
    const overBound = (enters: number | undefined) => bounded && (enters ?? 0) >= ctx.env.MEMBER_ENTERS_PER_COURSE;
    // Read before the IM goes out (no network call inside the transaction), and checked again inside it.
    if (overBound((await memberEntry(ctx.db, c.roomnum, caller.uid))?.enters)) return;
    await sendCourseIm(
      ctx,
      String(c.roomnum),
      imPayload(ctx, IM_MSG.MEMBER_ENTERED, input.timeStamp, { uid: caller.uid }),
      caller.uid,
    );
    const now = ctx.clock.nowS();
    const role = memberRole(c, caller.uid);
    await inTransaction(ctx.db, async (tx) => {
      const prev = await memberEntry(tx, c.roomnum, caller.uid);
      // Concurrent enters of one member all passed the first check: only those within the bound count.
      if (overBound(prev?.enters)) return;
      const wasIn = prev !== undefined && prev.exitedAt === null;
      const enters = sql`${members.enters} + 1`;
      await tx
        .insert(members)
        .values({
          roomnum: c.roomnum,
          uid: caller.uid,
          role,
          joinedAt: now,
          lastHeartbeat: now,
          exitedAt: null,
          enters: 1,
        })
        .onConflictDoUpdate({
          target: [members.roomnum, members.uid],
          // Already in the room: keep the join time; back after leaving: a new stay starts now.
          set: wasIn
            ? { role, lastHeartbeat: now, enters }
            : { role, joinedAt: now, lastHeartbeat: now, exitedAt: null, enters },
        });
      if (!wasIn)
        await appendEvents(tx, [{ roomnum: c.roomnum, at: now, kind: 'member_enter', uid: caller.uid, role }]);
    });
    return;
  }
  const now = ctx.clock.nowS();
  await inTransaction(ctx.db, async (tx) => {
    if ((await leaveRoomTx(tx, c.roomnum, { uid: caller.uid }, now, 'exit')).length > 0) return;
    // Nobody left: a repeated exit is fine, an exit of a room never entered is not.
    const member = first(
      await tx
        .select({ uid: members.uid })
        .from(members)
        .where(and(eq(members.roomnum, c.roomnum), eq(members.uid, caller.uid)))
        .limit(1),
    );
    if (!member) throw new AppError('NOT_IN_ROOM');
  });
}

/** A member's row as an enter reads it (undefined: never entered this course). */
async function memberEntry(
  db: Db | Tx,
  roomnum: number,
  uid: string,
): Promise<{ exitedAt: number | null; enters: number } | undefined> {
  return first(
    await db
      .select({ exitedAt: members.exitedAt, enters: members.enters })
      .from(members)
      .where(and(eq(members.roomnum, roomnum), eq(members.uid, uid)))
      .limit(1),
  );
}

interface RoomMember {
  uid: string;
  role: number;
  joinedAt: number;
  lastHeartbeat: number;
}

/** Members currently in the room: the teacher first, then by join time. Throws ROOM_NOT_FOUND. */
export async function listRoomMembers(
  ctx: ServiceCtx,
  input: { roomnum: number; index: number; size: number },
): Promise<{ total: number; members: RoomMember[] }> {
  const c = await getCourse(ctx, input.roomnum);
  const inRoom = and(eq(members.roomnum, c.roomnum), isNull(members.exitedAt));
  const [{ total }] = (await ctx.db.select({ total: count() }).from(members).where(inRoom)) as [{ total: number }];
  if (input.size === 0 || total <= input.index) return { total, members: [] };
  const rows = await ctx.db
    .select({ uid: members.uid, role: members.role, joinedAt: members.joinedAt, lastHeartbeat: members.lastHeartbeat })
    .from(members)
    .where(inRoom)
    .orderBy(desc(sql`${members.uid} = ${c.hostUid}`), desc(members.role), asc(members.joinedAt), asc(members.uid))
    .limit(input.size)
    .offset(input.index);
  return { total, members: rows };
}

/** Who is in the room by role: teachers (role 1, the host among them) apart from students. Throws nothing. */
export async function countRoomMembersByRole(
  ctx: ServiceCtx,
  roomnum: number,
): Promise<{ teachers: number; students: number }> {
  const rows = await ctx.db
    .select({ role: members.role, n: count() })
    .from(members)
    .where(and(eq(members.roomnum, roomnum), isNull(members.exitedAt)))
    .groupBy(members.role);
  let teachers = 0;
  let students = 0;
  for (const r of rows) {
    if (isTeacher(r)) teachers += r.n;
    else students += r.n;
  }
  return { teachers, students };
}
