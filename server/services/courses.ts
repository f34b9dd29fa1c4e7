/**
 * Courses: create, start, end, list. The rules (who may start, what each state allows) live here and nowhere else;
 * the legacy commands (`live/create|startcourse|exitroom|roomlist`) and the console call these functions.
 */
import { and, desc, eq, getTableColumns, gte, isNull, lte, sql, type SQL } from 'drizzle-orm';
import { inTransaction, type Db, type Tx } from '../../db/client';
import { boundFiles, courseCounts, courses, members, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { IM_MSG } from '../integrations/im/types';
import { userExists } from './accounts';
import { preparedFor } from './prepared';
import { versionedCache } from './versioned-cache';
import { appendEvents, type CourseEventKind } from './course-events';
import { COURSE_STATE, ROLE, type Caller } from './schemas';

/** The course, if it exists in this appid. Throws ROOM_NOT_FOUND. */
export async function getCourse(ctx: ServiceCtx, roomnum: number): Promise<Course> {
  const c = await ctx.db.query.courses.findFirst({
    where: and(eq(courses.roomnum, roomnum), eq(courses.appid, ctx.env.SDKAPPID)),
  });
  if (!c) throw new AppError('ROOM_NOT_FOUND');
  return c;
}

/** The course if the caller is its teacher. Throws ROOM_NOT_FOUND, NO_PRIVILEGE. */
export async function getOwnCourse(ctx: ServiceCtx, caller: Caller, roomnum: number): Promise<Course> {
  const c = await getCourse(ctx, roomnum);
  if (c.hostUid !== caller.uid) throw new AppError('NO_PRIVILEGE');
  return c;
}

/** Creates a course in state 0. Teachers only (NO_PRIVILEGE). Callers: `live/create`, console. */
export async function createCourse(
  ctx: ServiceCtx,
  caller: Caller,
  input: { title: string; cover?: string },
): Promise<{ roomnum: number; groupid: string }> {
  if (caller.role !== ROLE.TEACHER) throw new AppError('NO_PRIVILEGE', 'only teachers can create courses');
  const now = ctx.clock.nowS();
  const roomnum = inTransaction(ctx.db, (tx) => {
    const row = tx
      .insert(courses)
      .values({ appid: ctx.env.SDKAPPID, hostUid: caller.uid, title: input.title, cover: input.cover ?? '', createdAt: now, listTime: now })
      .returning({ roomnum: courses.roomnum })
      .get();
    appendEvents(tx, [{ roomnum: row.roomnum, at: now, kind: 'created', uid: caller.uid, role: caller.role }]);
    return row.roomnum;
  });
  return { roomnum, groupid: String(roomnum) };
}

/** The payload of the custom IM messages the server sends (TIMCustomElem.Data). */
export function imPayload(type: number, timestamp: number, value: Record<string, unknown>): Record<string, unknown> {
  return { type, seq: Math.floor(Math.random() * 2 ** 31), timestamp, value };
}

async function sendIm(ctx: ServiceCtx, groupId: string, data: Record<string, unknown>, from?: string): Promise<number> {
  try {
    return (await ctx.im.sendGroupCustom(groupId, data, from ? { fromAccount: from } : undefined)).msgSeq;
  } catch (e) {
    ctx.log.warn({ groupId, type: data.type, err: (e as Error).message }, 'IM send failed');
    throw new AppError('IM_SEND_FAILED');
  }
}
export { sendIm as sendCourseIm };

/**
 * Starts a course: only its own teacher, only from state 0. Sends IM 1001 first (network before the transaction;
 * failure → IM_SEND_FAILED and nothing changes), then one transaction sets state 1, begin_time/imseq and seats the
 * teacher. Throws ROOM_NOT_FOUND, NO_PRIVILEGE, COURSE_STATE, IM_SEND_FAILED. Callers: `live/startcourse`, console.
 */
export async function startCourse(
  ctx: ServiceCtx,
  caller: Caller,
  input: { roomnum: number; timeStamp: number },
): Promise<void> {
  const c = await getOwnCourse(ctx, caller, input.roomnum);
  if (c.state !== COURSE_STATE.CREATED) throw new AppError('COURSE_STATE', 'course can only be started once, from state 0');
  const seq = await sendIm(ctx, String(c.roomnum), imPayload(IM_MSG.COURSE_STARTED, input.timeStamp, { uid: caller.uid }), caller.uid);
  const now = ctx.clock.nowS();
  inTransaction(ctx.db, (tx) => {
    const r = tx
      .update(courses)
      .set({ state: COURSE_STATE.LIVE, beginTime: now, beginImseq: seq, lastHeartbeat: now, listTime: sql`max(${courses.createdAt}, ${now})` })
      .where(and(eq(courses.roomnum, c.roomnum), eq(courses.state, COURSE_STATE.CREATED)))
      .run();
    // Another request started it between our read and this write (the IM message went out twice; Tencent allows it).
    if (r.changes === 0) throw new AppError('COURSE_STATE', 'course was started concurrently');
    tx.insert(members)
      .values({ roomnum: c.roomnum, uid: caller.uid, role: caller.role, joinedAt: now, lastHeartbeat: now, exitedAt: null })
      .onConflictDoUpdate({ target: [members.roomnum, members.uid], set: { joinedAt: now, lastHeartbeat: now, exitedAt: null } })
      .run();
    appendEvents(tx, [
      { roomnum: c.roomnum, at: now, kind: 'started', uid: caller.uid, role: caller.role },
      { roomnum: c.roomnum, at: now, kind: 'member_enter', uid: caller.uid, role: caller.role },
    ]);
  });
}

/**
 * Ends a live course inside `tx`: state 2, end time, every member still in the room exited (each with an event),
 * the course queued for playback indexing. Returns false if the course was not live (someone else ended it).
 * Shared by the teacher's `endCourse` and the sweeper, so both end a course the same way.
 */
export function closeCourseTx(
  tx: Tx,
  ctx: ServiceCtx,
  c: { roomnum: number; hostUid: string },
  at: number,
  kind: Extract<CourseEventKind, 'ended' | 'ended_by_sweeper'>,
  endImseq: number,
): boolean {
  const r = tx
    .update(courses)
    .set({
      state: COURSE_STATE.ENDED,
      endTime: at,
      endImseq,
      indexStatus: 'pending',
      indexDueAt: at + ctx.env.REPLAY_INDEX_DELAY_S,
      indexAttempts: 0,
      indexError: '',
    })
    .where(and(eq(courses.roomnum, c.roomnum), eq(courses.state, COURSE_STATE.LIVE)))
    .run();
  if (r.changes === 0) return false;
  const left = tx
    .update(members)
    .set({ exitedAt: at })
    .where(and(eq(members.roomnum, c.roomnum), isNull(members.exitedAt)))
    .returning({ uid: members.uid, role: members.role })
    .all();
  appendEvents(tx, [
    ...left.map((m) => ({ roomnum: c.roomnum, at, kind: 'member_exit' as const, uid: m.uid, role: m.role })),
    { roomnum: c.roomnum, at, kind, uid: c.hostUid, role: ROLE.TEACHER },
  ]);
  return true;
}

/**
 * Ends a live course: only its teacher, only from state 1. IM 1002 first (its MsgSeq is end_imseq), then one
 * transaction. Throws ROOM_NOT_FOUND, NO_PRIVILEGE, COURSE_STATE, IM_SEND_FAILED. Callers: `live/exitroom`, console.
 */
export async function endCourse(ctx: ServiceCtx, caller: Caller, input: { roomnum: number; timeStamp: number }): Promise<void> {
  const c = await getOwnCourse(ctx, caller, input.roomnum);
  if (c.state !== COURSE_STATE.LIVE) throw new AppError('COURSE_STATE', 'only a live course can be ended');
  const seq = await sendIm(ctx, String(c.roomnum), imPayload(IM_MSG.COURSE_ENDED, input.timeStamp, { uid: caller.uid }), caller.uid);
  const now = ctx.clock.nowS();
  inTransaction(ctx.db, (tx) => {
    if (!closeCourseTx(tx, ctx, c, now, 'ended', seq)) throw new AppError('COURSE_STATE', 'course was ended concurrently');
  });
}

/**
 * Edits a course's title and/or cover: its own teacher, only while it has not started (state 0).
 * Throws ROOM_NOT_FOUND, NO_PRIVILEGE, COURSE_STATE. Caller: console.
 */
export async function updateCourse(
  ctx: ServiceCtx,
  caller: Caller,
  input: { roomnum: number; title?: string; cover?: string },
): Promise<Course> {
  const c = await getOwnCourse(ctx, caller, input.roomnum);
  if (c.state !== COURSE_STATE.CREATED) throw new AppError('COURSE_STATE', 'only a course that has not started can be edited');
  const set: Partial<Pick<Course, 'title' | 'cover'>> = {};
  if (input.title !== undefined) set.title = input.title;
  if (input.cover !== undefined) set.cover = input.cover;
  if (Object.keys(set).length === 0) return c;
  const row = await ctx.db
    .update(courses)
    .set(set)
    .where(and(eq(courses.roomnum, c.roomnum), eq(courses.state, COURSE_STATE.CREATED)))
    .returning()
    .get();
  if (!row) throw new AppError('COURSE_STATE', 'course was started concurrently');
  return row;
}

/**
 * Deletes a course that never started (state 0): its own teacher only. Its event log and memberships go with it
 * (foreign-key cascade), its bound courseware rows too, in one transaction.
 * Throws ROOM_NOT_FOUND, NO_PRIVILEGE, COURSE_STATE. Caller: console.
 */
export async function deleteCourse(ctx: ServiceCtx, caller: Caller, roomnum: number): Promise<void> {
  const c = await getOwnCourse(ctx, caller, roomnum);
  if (c.state !== COURSE_STATE.CREATED) throw new AppError('COURSE_STATE', 'only a course that never started can be deleted');
  inTransaction(ctx.db, (tx) => {
    const r = tx.delete(courses).where(and(eq(courses.roomnum, c.roomnum), eq(courses.state, COURSE_STATE.CREATED))).run();
    if (r.changes === 0) throw new AppError('COURSE_STATE', 'course was started concurrently');
    tx.delete(boundFiles).where(eq(boundFiles.roomnum, c.roomnum)).run();
  });
}

export interface CourseListFilter {
  index: number;
  size: number;
  roomnum?: number;
  fromTime?: number;
  toTime?: number;
  hostUid?: string;
  state?: number;
  /** Console: case-insensitive substring of the title. */
  titleLike?: string;
}

export interface CourseListItem extends Course {
  memsize: number;
}

/**
 * Courses of this appid, newest first by max(create time, begin_time) (the `list_time` column), with total count.
 * Throws BAD_INPUT (from_time > to_time), USER_NOT_FOUND (unknown host_uid). Callers: `live/roomlist`, console.
 */
export async function listCourses(ctx: ServiceCtx, f: CourseListFilter): Promise<CourseList> {
  if (f.fromTime !== undefined && f.toTime !== undefined && f.fromTime > f.toTime) {
    throw new AppError('BAD_INPUT', 'from_time: must not be after to_time');
  }
  if (f.hostUid !== undefined && !(await userExists(ctx, f.hostUid))) throw new AppError('USER_NOT_FOUND');
  // Students poll the course list; pages are cached per data version (see versioned-cache.ts), so repeated reads
  // between two changes cost one counter read.
  const key = JSON.stringify([ctx.env.SDKAPPID, f.index, f.size, f.roomnum, f.fromTime, f.toTime, f.hostUid, f.state, f.titleLike]);
  return listCache(ctx).get(key, () => queryCourses(ctx, f));
}

export interface CourseList {
  total: number;
  rooms: readonly CourseListItem[];
}

const listCache = preparedFor((db) => versionedCache<CourseList>(db, 'course_list'));

async function queryCourses(ctx: ServiceCtx, f: CourseListFilter): Promise<CourseList> {
  const where: SQL[] = [eq(courses.appid, ctx.env.SDKAPPID)];
  if (f.roomnum !== undefined) where.push(eq(courses.roomnum, f.roomnum));
  if (f.fromTime !== undefined) where.push(gte(courses.listTime, f.fromTime));
  if (f.toTime !== undefined) where.push(lte(courses.listTime, f.toTime));
  if (f.hostUid !== undefined) where.push(eq(courses.hostUid, f.hostUid));
  if (f.state !== undefined) where.push(eq(courses.state, f.state));
  if (f.titleLike) where.push(sql`instr(lower(${courses.title}), lower(${f.titleLike})) > 0`);
  const cond = and(...where);
  const total = await countCourses(ctx, f, cond);
  if (f.size === 0 || total <= f.index) return { total, rooms: [] };
  if (byCountsOnly(f)) {
    // The common roomlist (by appid, maybe host/state): one prepared statement per filter shape.
    const shape = listPages(ctx)[`${f.hostUid !== undefined ? 'h' : ''}${f.state !== undefined ? 's' : ''}` as PageShape];
    const rooms = shape.all({ appid: ctx.env.SDKAPPID, host: f.hostUid ?? '', state: f.state ?? 0, size: f.size, index: f.index });
    return { total, rooms };
  }
  // Time, title or room filters: the same query, prepared for this call.
  const rooms = pageRows(ctx.db, pageQuery(ctx.db, cond)).prepare().all({ size: f.size, index: f.index });
  return { total, rooms };
}

/**
 * Courses of a page with their member counts. The page's room numbers come from `page` (walking only the covering
 * list index), so the correlated member count runs for the page's rows, not for every row OFFSET skips.
 */
function pageRows(db: Db, page: ReturnType<typeof pageQuery>) {
  return db
    .select({
      ...getTableColumns(courses),
      // `${courses}.roomnum`, not `${courses.roomnum}`: drizzle renders a column of the only table unqualified, and an
      // unqualified "roomnum" inside the subquery would bind to m.roomnum (counting every room's members).
      memsize: sql<number>`(select count(*) from ${members} m where m.roomnum = ${courses}.roomnum and m.exited_at is null)`.mapWith(Number),
    })
    .from(courses)
    .innerJoin(page, eq(page.roomnum, courses.roomnum))
    .orderBy(desc(courses.listTime), desc(courses.roomnum));
}

function pageQuery(db: Db, where: SQL | undefined) {
  return db
    .select({ roomnum: courses.roomnum })
    .from(courses)
    .where(where)
    .orderBy(desc(courses.listTime), desc(courses.roomnum))
    .limit(sql.placeholder('size'))
    .offset(sql.placeholder('index'))
    .as('page');
}

type PageShape = '' | 'h' | 's' | 'hs';
const listPages = preparedFor((db) => {
  const appid = eq(courses.appid, sql.placeholder('appid'));
  const host = eq(courses.hostUid, sql.placeholder('host'));
  const state = eq(courses.state, sql.placeholder('state'));
  const build = (where: SQL | undefined) => pageRows(db, pageQuery(db, where)).prepare();
  return { '': build(appid), h: build(and(appid, host)), s: build(and(appid, state)), hs: build(and(appid, host, state)) } satisfies Record<PageShape, unknown>;
});

/** Filters only on appid/host/state: what course_counts and the prepared page statements cover. */
function byCountsOnly(f: CourseListFilter): boolean {
  return f.roomnum === undefined && f.fromTime === undefined && f.toTime === undefined && !f.titleLike;
}

/**
 * The number of courses matching. Filters on appid/host/state only (the common roomlist) read the trigger-maintained
 * course_counts rows; time, title or room filters count the matching index range.
 */
async function countCourses(ctx: ServiceCtx, f: CourseListFilter, cond: SQL | undefined): Promise<number> {
  if (byCountsOnly(f)) {
    const by: SQL[] = [eq(courseCounts.appid, ctx.env.SDKAPPID)];
    if (f.hostUid !== undefined) by.push(eq(courseCounts.hostUid, f.hostUid));
    if (f.state !== undefined) by.push(eq(courseCounts.state, f.state));
    const [row] = await ctx.db.select({ total: sql<number>`coalesce(sum(${courseCounts.n}), 0)` }).from(courseCounts).where(and(...by));
    return row?.total ?? 0;
  }
  const [row] = await ctx.db.select({ total: sql<number>`count(*)` }).from(courses).where(cond);
  return row?.total ?? 0;
}
