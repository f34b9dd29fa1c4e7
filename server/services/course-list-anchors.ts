/**
 * Deep pages of the course list without OFFSET scans. The list is ordered by (list_time desc, roomnum desc) and
 * filtered by a "shape" (appid, maybe host, maybe state), each with its own index (db/schema.ts courses_*_list_idx).
 * Neither engine can jump to the n-th entry of an index (SQLite's and PostgreSQL's B-trees keep no subtree counts),
 * so `OFFSET 500000` walks half a million entries — on SQLite inside the event loop, stalling every class on the box.
 *
 * Instead each process keeps, per shape, an anchor every ANCHOR_EVERY positions: the key (list_time, roomnum) of the
 * row there. A page at position p is then a keyset seek to anchor ⌊p/K⌋ and an OFFSET of at most K − 1 entries, both
 * inside the index. Anchors are built on demand by walking the index K entries per query, in slices of at most
 * SLICE_BUDGET_MS with the event loop free in between (a million-row list costs ~0.1 s of work once, never one long
 * block). They stay valid while the 'course_order' counter stays (db/migrations 0011: bumped only by inserts,
 * deletes and changes of appid/host/state/list_time — not by titles, membership or heartbeats), exact across
 * processes as the counter is; a slice that sees the counter move drops what it built, and the caller starts over.
 *
 * Time filters use the same anchors: the rows with list_time > t are the first rank(t) positions, found by a binary
 * search over the anchors and one count inside a single K-slice.
 */
import { and, desc, eq, gte, gt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { courses } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { dataVersionsOf } from './data-versions';
import { preparedFor } from './prepared';

/** Positions between two anchors. Small enough that the bounded OFFSET and count after a seek cost well under 1 ms. */
export const ANCHOR_EVERY = 1000;
/** How long one slice of anchor building may hold the event loop. */
const SLICE_BUDGET_MS = 4;
/** Anchor sets kept per process (least recently used dropped first): one per shape asked for. */
const MAX_SETS = 256;
/** Starts over after this many order changes during one read, then reads once more without caching anchors. */
const MAX_TRIES = 3;
/** Below every list time (list_time >= this is no filter). */
const NO_FROM = -Number.MAX_SAFE_INTEGER;

export interface ListShape {
  appid: number;
  hostUid?: string;
  state?: number;
}

type ShapeKind = 'a' | 'h' | 's' | 'hs';
const kindOf = (s: ListShape): ShapeKind =>
  s.hostUid !== undefined ? (s.state !== undefined ? 'hs' : 'h') : s.state !== undefined ? 's' : 'a';
const paramsOf = (s: ListShape) => ({ appid: s.appid, host: s.hostUid ?? '', state: s.state ?? 0 });

/** At or after (in list order) the key (t, r): list_time < t, or list_time = t and roomnum <= r. */
const atOrAfter = sql`(${courses.listTime}, ${courses.roomnum}) <= (${sql.placeholder('t')}, ${sql.placeholder('r')})`;
const ORDER = [desc(courses.listTime), desc(courses.roomnum)];

function shapeWhere(kind: ShapeKind): SQL {
  const w: SQL[] = [eq(courses.appid, sql.placeholder('appid'))];
  if (kind === 'h' || kind === 'hs') w.push(eq(courses.hostUid, sql.placeholder('host')));
  if (kind === 's' || kind === 'hs') w.push(eq(courses.state, sql.placeholder('state')));
  return and(...w)!;
}

/** The prepared statements of one shape kind: every one a range of that shape's index. */
function statements(db: Db, kind: ShapeKind) {
  const shape = shapeWhere(kind);
  const key = { t: courses.listTime, r: courses.roomnum };
  return {
    /** The first row's key. */
    top: db
      .select(key)
      .from(courses)
      .where(shape)
      .orderBy(...ORDER)
      .limit(1)
      .prepare(),
    /** The key `off` positions after the key (t, r) (itself at 0). */
    step: db
      .select(key)
      .from(courses)
      .where(and(shape, atOrAfter))
      .orderBy(...ORDER)
      .limit(1)
      .offset(sql.placeholder('off'))
      .prepare(),
    /** How many rows from the key (t, r) on have list_time > :after (bounded by the caller to one K-slice). */
    newerThan: db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(courses)
      .where(and(shape, atOrAfter, gt(courses.listTime, sql.placeholder('after'))))
      .prepare(),
    /** Room numbers of a page: `size` rows from `off` positions after the key (t, r), list_time >= :from. */
    page: db
      .select({ roomnum: courses.roomnum })
      .from(courses)
      .where(and(shape, atOrAfter, gte(courses.listTime, sql.placeholder('from'))))
      .orderBy(...ORDER)
      .limit(sql.placeholder('size'))
      .offset(sql.placeholder('off'))
      .prepare(),
  };
}

const statementsOf = preparedFor((db) => ({
  a: statements(db, 'a'),
  h: statements(db, 'h'),
  s: statements(db, 's'),
  hs: statements(db, 'hs'),
}));

/** Anchors of one shape at one 'course_order' version: key of position j·K at index j. */
interface AnchorSet {
  version: number;
  times: number[];
  rooms: number[];
  /** The list has no row at position times.length·K: every anchor there is. */
  complete: boolean;
  /** A slice being built, which other readers wait for instead of walking the same entries. */
  building: Promise<void> | null;
  /** The counter moved while building: the set must not be used any more. */
  stale: boolean;
}

class OrderChanged extends Error {}

const setsOf = preparedFor(() => new Map<string, AnchorSet>());

function setFor(ctx: ServiceCtx, shape: ListShape, version: number): AnchorSet {
  const sets = setsOf(ctx);
  const key = JSON.stringify([shape.appid, shape.hostUid ?? null, shape.state ?? null]);
  let set = sets.get(key);
  if (set && set.version === version && !set.stale) {
    // Most recently used last.
    sets.delete(key);
    sets.set(key, set);
    return set;
  }
  set = { version, times: [], rooms: [], complete: false, building: null, stale: false };
  // A read that saw an older counter than the set's gets its own set, not kept (calls interleave).
  const existing = sets.get(key);
  if (existing && existing.version > version && !existing.stale) return set;
  sets.delete(key);
  if (sets.size >= MAX_SETS) sets.delete(sets.keys().next().value as string);
  sets.set(key, set);
  return set;
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Builds anchors until `enough(set)` holds or the list ends, one slice at a time; readers of the same set share the
 * slices. Throws OrderChanged when the counter moved meanwhile (what was built by then is dropped with the set).
 */
async function extend(ctx: ServiceCtx, shape: ListShape, set: AnchorSet, enough: () => boolean): Promise<void> {
  const st = statementsOf(ctx)[kindOf(shape)];
  const p = paramsOf(shape);
  const versions = dataVersionsOf(ctx);
  while (!enough() && !set.complete) {
    if (set.stale) throw new OrderChanged();
    if (set.building) {
      await set.building;
      continue;
    }
    set.building = (async () => {
      await nextTurn();
      const started = performance.now();
      const before = set.times.length;
      do {
        const n = set.times.length;
        const [row] =
          n === 0
            ? await st.top.execute(p)
            : await st.step.execute({ ...p, t: set.times[n - 1]!, r: set.rooms[n - 1]!, off: ANCHOR_EVERY });
        if (!row) set.complete = true;
        else {
          set.times.push(row.t);
          set.rooms.push(row.r);
        }
      } while (!enough() && !set.complete && performance.now() - started < SLICE_BUDGET_MS);
      if ((await versions.read('course_order')) !== set.version) {
        set.stale = true;
        set.times.length = before;
        set.rooms.length = before;
        set.complete = false;
      }
    })().finally(() => {
      set.building = null;
    });
    await set.building;
  }
  if (set.stale) throw new OrderChanged();
}

/** How many rows of the shape have list_time > t (they come first in list order). */
async function rankAfter(ctx: ServiceCtx, shape: ListShape, set: AnchorSet, t: number): Promise<number> {
  // Anchors until one has list_time <= t: the rows newer than t end before it.
  await extend(ctx, shape, set, () => set.times.length > 0 && set.times[set.times.length - 1]! <= t);
  // The last anchor j with list_time > t (times are non-increasing).
  let lo = 0;
  let hi = set.times.length - 1;
  if (hi < 0 || set.times[0]! <= t) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (set.times[mid]! > t) lo = mid;
    else hi = mid - 1;
  }
  const st = statementsOf(ctx)[kindOf(shape)];
  const [row] = await st.newerThan.execute({ ...paramsOf(shape), t: set.times[lo]!, r: set.rooms[lo]!, after: t });
  return lo * ANCHOR_EVERY + (row?.n ?? 0);
}

export interface AnchoredPage {
  /** Room numbers of the page, in list order. */
  roomnums: number[];
  /** With a time filter: how many rows it matches (without one the caller has the total from course_counts). */
  total: number | null;
}

/**
 * Positions [index, index + size) of the shape's list with list_time in [fromTime, toTime] (each optional): the room
 * numbers, and the range's size when a time filter was given. Exact for the 'course_order' version it read.
 */
export async function anchoredPage(
  ctx: ServiceCtx,
  shape: ListShape,
  f: { index: number; size: number; fromTime?: number; toTime?: number },
): Promise<AnchoredPage> {
  for (let attempt = 1; ; attempt++) {
    const version = await dataVersionsOf(ctx).read('course_order');
    const set = setFor(ctx, shape, version);
    try {
      return await pageFrom(ctx, shape, set, f);
    } catch (e) {
      if (!(e instanceof OrderChanged) || attempt >= MAX_TRIES) throw e;
    }
  }
}

async function pageFrom(
  ctx: ServiceCtx,
  shape: ListShape,
  set: AnchorSet,
  f: { index: number; size: number; fromTime?: number; toTime?: number },
): Promise<AnchoredPage> {
  const hasTime = f.fromTime !== undefined || f.toTime !== undefined;
  const first = f.toTime !== undefined ? await rankAfter(ctx, shape, set, f.toTime) : 0;
  // Rows with list_time >= from are those newer than from − 1 (list times are whole seconds).
  const end = f.fromTime !== undefined ? await rankAfter(ctx, shape, set, f.fromTime - 1) : null;
  const total = hasTime ? Math.max(0, (end ?? (await countAll(ctx, shape, set))) - first) : null;
  const at = first + f.index;
  if (f.size === 0 || (total !== null && f.index >= total)) return { roomnums: [], total };
  const j = Math.floor(at / ANCHOR_EVERY);
  await extend(ctx, shape, set, () => set.times.length > j);
  if (set.times.length <= j) return { roomnums: [], total };
  const st = statementsOf(ctx)[kindOf(shape)];
  const rows = await st.page.execute({
    ...paramsOf(shape),
    t: set.times[j]!,
    r: set.rooms[j]!,
    off: at - j * ANCHOR_EVERY,
    size: total === null ? f.size : Math.min(f.size, total - f.index),
    from: f.fromTime ?? NO_FROM,
  });
  return { roomnums: rows.map((r) => r.roomnum), total };
}

/** Every row of the shape (only for a to_time without from_time): the anchors to the end and the last slice. */
async function countAll(ctx: ServiceCtx, shape: ListShape, set: AnchorSet): Promise<number> {
  return rankAfter(ctx, shape, set, NO_FROM);
}
