/**
 * The course list: `live/roomlist` and the console's course list. Courses of this appid, newest first by
 * max(create time, begin_time) (the `list_time` column). Built for read load (students poll it): totals come from
 * trigger-maintained course_counts, pages from prepared statements, and whole results from a cache keyed by the
 * trigger-bumped 'course_list' data version (exact across processes; heartbeats do not move it).
 */
import { and, asc, count, desc, eq, getTableColumns, gte, inArray, lte, not, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { containsIgnoringCase } from '../../db/dialect';
import { courseCounts, courses, members, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { userExists } from './accounts';
import { playbackReadyWhere, shownStateSql } from './playback-status';
import { preparedFor } from './prepared';
import { ENDED_STATES } from './course-state';
import { versionedCache } from './versioned-cache';
import { anchoredPage } from './course-list-anchors';

interface CourseListFilter {
  index: number;
  size: number;
  roomnum?: number;
  fromTime?: number;
  toTime?: number;
  hostUid?: string;
  state?: number;
  /** Console: case-insensitive substring of the title. */
  titleLike?: string;
  /**
   * Console: ended courses whose replay is ready (true) or not ready (false), by the one rule in playback-status.ts;
   * the console's "replay ready" / "ended" tabs, where the raw state would list a course without a recording as ready.
   */
  playbackReady?: boolean;
  /** Console: 'planned' = by planned start, soonest first, courses without a plan last; default newest first. */
  sort?: CourseSort;
}

export type CourseSort = 'recent' | 'planned';

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
  // Safe to cache with playbackReady too: every change of that rule's answer writes the course row (a recording of an
  // ended course re-queues its index), which bumps the data version.
  const key = JSON.stringify([
    ctx.env.SDKAPPID,
    f.index,
    f.size,
    f.roomnum,
    f.fromTime,
    f.toTime,
    f.hostUid,
    f.state,
    f.titleLike,
    f.playbackReady,
    f.sort ?? 'recent',
  ]);
  return listCache(ctx).get(key, () => queryCourses(ctx, f));
}

interface CourseList {
  total: number;
  rooms: readonly CourseListItem[];
}

const listCache = preparedFor((db) => versionedCache<CourseList>(db, 'course_list'));

/** The WHERE of a course list filter (paging fields aside). */
function listWhere(ctx: ServiceCtx, f: Omit<CourseListFilter, 'index' | 'size'>): SQL | undefined {
  const where: SQL[] = [eq(courses.appid, ctx.env.SDKAPPID)];
  if (f.roomnum !== undefined) where.push(eq(courses.roomnum, f.roomnum));
  if (f.fromTime !== undefined) where.push(gte(courses.listTime, f.fromTime));
  if (f.toTime !== undefined) where.push(lte(courses.listTime, f.toTime));
  if (f.hostUid !== undefined) where.push(eq(courses.hostUid, f.hostUid));
  if (f.state !== undefined) where.push(eq(courses.state, f.state));
  if (f.titleLike) where.push(containsIgnoringCase(ctx.db, courses.title, f.titleLike));
  if (f.playbackReady === true) where.push(playbackReadyWhere()!);
  if (f.playbackReady === false) where.push(and(inArray(courses.state, ENDED_STATES), not(playbackReadyWhere()!))!);
  return and(...where);
}

export type StateCounts = Record<'0' | '1' | '2' | '3', number>;

/**
 * How many courses match `f` in each state (its own `state` and `playbackReady` ignored): the console's state tabs,
 * where 3 counts ready replays and 2 the other ended courses (playback-status.ts), as the tabs filter them.
 */
export async function countCoursesByState(
  ctx: ServiceCtx,
  f: Omit<CourseListFilter, 'index' | 'size' | 'state' | 'playbackReady'>,
): Promise<StateCounts> {
  const shown = shownStateSql();
  const rows = await ctx.db
    .select({ state: shown, n: count() })
    .from(courses)
    .where(listWhere(ctx, f))
    // By position: PostgreSQL does not match a GROUP BY expression whose parameters are numbered apart from the SELECT's.
    .groupBy(sql`1`);
  const counts: StateCounts = { '0': 0, '1': 0, '2': 0, '3': 0 };
  for (const r of rows) {
    const k = String(r.state) as keyof StateCounts;
    if (k in counts) counts[k] = r.n;
  }
  return counts;
}

async function queryCourses(ctx: ServiceCtx, f: CourseListFilter): Promise<CourseList> {
  if (byAnchors(f)) {
    // Roomlist (any shape, time filters too) and the console's plain list: a keyset seek from cached anchors
    // (course-list-anchors.ts), so a page a million rows deep costs what the first page costs.
    const shape = { appid: ctx.env.SDKAPPID, hostUid: f.hostUid, state: f.state };
    const timed = f.fromTime !== undefined || f.toTime !== undefined;
    const counted = timed ? null : await countCourses(ctx, f, undefined);
    if (counted !== null && (f.size === 0 || counted <= f.index)) return { total: counted, rooms: [] };
    const page = await anchoredPage(ctx, shape, f);
    const total = counted ?? page.total ?? 0;
    return { total, rooms: page.roomnums.length === 0 ? [] : await roomsOf(ctx, page.roomnums) };
  }
  const cond = listWhere(ctx, f);
  const total = await countCourses(ctx, f, cond);
  if (f.size === 0 || total <= f.index) return { total, rooms: [] };
  // Room, title or replay filters, or the planned sort: the query, prepared for this call.
  const rooms = await pageRows(ctx.db, pageQuery(ctx.db, cond, f.sort), f.sort)
    .prepare()
    .execute({ size: f.size, index: f.index });
  return { total, rooms };
}

/** Filters the anchored path serves: shape (appid/host/state) and list-time bounds, newest first. */
function byAnchors(f: CourseListFilter): boolean {
  return f.roomnum === undefined && !f.titleLike && f.playbackReady === undefined && f.sort !== 'planned';
}

/** The rows of a page, with member counts, in list order (at most a page of room numbers: pageSizeInput). */
async function roomsOf(ctx: ServiceCtx, roomnums: number[]): Promise<CourseListItem[]> {
  return ctx.db
    .select({ ...getTableColumns(courses), memsize: memsizeColumn() })
    .from(courses)
    .where(inArray(courses.roomnum, roomnums))
    .orderBy(...orderOf('recent'));
}

/**
 * Courses of a page with their member counts. The page's room numbers come from `page` (walking only the covering
 * list index), so the correlated member count runs for the page's rows, not for every row OFFSET skips.
 */
/**
 * A course's `memsize`: members currently in its room, as a column of any select over `courses`. The one definition
 * (roomlist, console list, dashboard). `${courses}.roomnum`, not `${courses.roomnum}`: drizzle renders a column of the
 * only table unqualified, and an unqualified "roomnum" inside the subquery binds to m.roomnum (counting every room).
 */
export function memsizeColumn() {
  return sql<number>`(select count(*) from ${members} m where m.roomnum = ${courses}.roomnum and m.exited_at is null)`.mapWith(
    Number,
  );
}

/** ORDER BY of a sort; the room number last so pages never overlap. */
function orderOf(sort: CourseSort = 'recent'): SQL[] {
  if (sort === 'planned')
    return [
      sql`${courses.plannedStart} is null`,
      asc(courses.plannedStart),
      desc(courses.listTime),
      desc(courses.roomnum),
    ];
  return [desc(courses.listTime), desc(courses.roomnum)];
}

function pageRows(db: Db, page: ReturnType<typeof pageQuery>, sort?: CourseSort) {
  return db
    .select({
      ...getTableColumns(courses),
      memsize: memsizeColumn(),
    })
    .from(courses)
    .innerJoin(page, eq(page.roomnum, courses.roomnum))
    .orderBy(...orderOf(sort));
}

function pageQuery(db: Db, where: SQL | undefined, sort?: CourseSort) {
  return db
    .select({ roomnum: courses.roomnum })
    .from(courses)
    .where(where)
    .orderBy(...orderOf(sort))
    .limit(sql.placeholder('size'))
    .offset(sql.placeholder('index'))
    .as('page');
}

/** Filters only on appid/host/state: what course_counts and the prepared page statements cover. */
function byCountsOnly(f: CourseListFilter): boolean {
  return (
    f.roomnum === undefined &&
    f.fromTime === undefined &&
    f.toTime === undefined &&
    !f.titleLike &&
    f.playbackReady === undefined
  );
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
    const [row] = await ctx.db
      // PostgreSQL sums into numeric (text to node-postgres): read as a number on both engines.
      .select({ total: sql<number>`coalesce(sum(${courseCounts.n}), 0)`.mapWith(Number) })
      .from(courseCounts)
      .where(and(...by));
    return row?.total ?? 0;
  }
  const [row] = await ctx.db.select({ total: count() }).from(courses).where(cond);
  return row?.total ?? 0;
}
