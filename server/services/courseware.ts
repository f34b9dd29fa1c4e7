/**
 * Courseware / video binding to a course or to a teacher's library (roomnum 0).
 * Callers: `live/reportbind`, `live/querybind`, console courseware pages.
 */
import { and, count, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import { first, inTransaction } from '../../db/client';
import { boundFiles, type BoundFile } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { storedRefOfUrl } from '../integrations/storage/stored-ref';
import { courseFor, type Door, type TaughtCourse } from './course-access';
import { appendEvents } from './course-events';
import { canEditFiles, ROLE } from './course-state';
import { type BindFileInput, type Caller } from './schemas';

export const LIBRARY = 0;

/** Extra facts the console knows about an upload (legacy clients send none). */
export interface FileMeta {
  size?: number;
  mime?: string;
}

/** Where the caller may bind files: their library (`course` null) or a course they teach. Made by bindTargetFor. */
export interface BindTarget {
  readonly roomnum: number;
  readonly course: TaughtCourse | null;
}

/**
 * The caller's library (teachers only) or, for a room number, the course if they teach it (courseFor at `door`): one
 * read. Whether the course's files may change now is checked where they change (assertFilesEditable).
 * Throws NO_PRIVILEGE, ROOM_NOT_FOUND.
 */
export async function bindTargetFor(ctx: ServiceCtx, caller: Caller, roomnum: number, door: Door): Promise<BindTarget> {
  if (roomnum === LIBRARY) {
    if (caller.role !== ROLE.TEACHER) throw new AppError('NO_PRIVILEGE', 'only teachers have a courseware library');
    return { roomnum, course: null };
  }
  return { roomnum, course: await courseFor(ctx, caller, roomnum, { need: 'teach', door }) };
}

/** A course's files may change before and during the class only. Throws COURSE_STATE. Callers: binding, uploads. */
export function assertFilesEditable(c: { state: number }): void {
  if (!canEditFiles(c)) {
    throw new AppError('COURSE_STATE', 'files can only be added or removed before or during a course');
  }
}

/**
 * Binds a file to a course (its teacher, state 0 or 1) or to the caller's library. A URL of this server's storage (at
 * PUBLIC_BASE_URL or `base`, the request's base) is stored as its key (stored-ref.ts); other URLs as sent.
 * Throws ROOM_NOT_FOUND, NO_PRIVILEGE, COURSE_STATE, FILE_ALREADY_BOUND.
 */
export async function bindFile(
  ctx: ServiceCtx,
  caller: Caller,
  roomnum: number,
  input: BindFileInput,
  door: Door,
  meta: FileMeta = {},
  base?: string,
): Promise<BoundFile> {
  return bindFileTo(ctx, caller, await bindTargetFor(ctx, caller, roomnum, door), input, meta, base);
}

/** bindFile at a target already resolved (bindTargetFor), so a caller that checked it first reads the course once. */
export async function bindFileTo(
  ctx: ServiceCtx,
  caller: Caller,
  to: BindTarget,
  input: BindFileInput,
  meta: FileMeta = {},
  base?: string,
): Promise<BoundFile> {
  if (to.course) assertFilesEditable(to.course);
  const { roomnum } = to;
  const file = { ...input, url: storedRefOfUrl(ctx.storage, ctx.env, input.url, base) };
  const now = ctx.clock.nowS();
  return inTransaction(ctx.db, async (tx) => {
    const row = first(
      await tx
        .insert(boundFiles)
        .values({
          ownerUid: caller.uid,
          roomnum,
          type: file.type,
          fileName: file.file_name,
          url: file.url,
          size: meta.size ?? 0,
          mime: meta.mime ?? '',
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning(),
    );
    if (!row) throw new AppError('FILE_ALREADY_BOUND');
    if (roomnum !== LIBRARY) {
      await appendEvents(tx, [
        {
          roomnum,
          at: now,
          kind: 'file_bound',
          uid: caller.uid,
          role: caller.role,
          detail: { type: file.type, file_name: file.file_name, url: file.url },
        },
      ]);
    }
    return row;
  });
}

/** Unbinds a url (as bound, or as this server handed it out at `base`). Throws ROOM_NOT_FOUND, NO_PRIVILEGE, COURSE_STATE, FILE_NOT_BOUND. */
export async function unbindFile(
  ctx: ServiceCtx,
  caller: Caller,
  roomnum: number,
  sentUrl: string,
  door: Door,
  base?: string,
): Promise<void> {
  const to = await bindTargetFor(ctx, caller, roomnum, door);
  if (to.course) assertFilesEditable(to.course);
  const url = storedRefOfUrl(ctx.storage, ctx.env, sentUrl, base);
  const now = ctx.clock.nowS();
  await inTransaction(ctx.db, async (tx) => {
    const gone = first(
      await tx
        .delete(boundFiles)
        .where(and(eq(boundFiles.ownerUid, caller.uid), eq(boundFiles.roomnum, roomnum), eq(boundFiles.url, url)))
        .returning(),
    );
    if (!gone) throw new AppError('FILE_NOT_BOUND');
    if (roomnum !== LIBRARY) {
      await appendEvents(tx, [
        {
          roomnum,
          at: now,
          kind: 'file_unbound',
          uid: caller.uid,
          role: caller.role,
          detail: { type: gone.type, file_name: gone.fileName, url: gone.url },
        },
      ]);
    }
  });
}

/**
 * A course's bound files (whoever may 'read' the course at `door`: on the legacy door any logged-in user, students
 * need the courseware; on the console its teacher) or, with roomnum 0, the caller's library; newest first.
 * Throws ROOM_NOT_FOUND, NO_PRIVILEGE (course-access.ts).
 */
export async function listBoundFiles(
  ctx: ServiceCtx,
  caller: Caller,
  input: { roomnum: number; index: number; size: number; fromTime?: number; toTime?: number },
  door: Door,
): Promise<{ total: number; files: BoundFile[] }> {
  if (input.fromTime !== undefined && input.toTime !== undefined && input.fromTime > input.toTime) {
    throw new AppError('BAD_INPUT', 'from_time: must not be after to_time');
  }
  const where: SQL[] = [];
  if (input.roomnum === LIBRARY) {
    where.push(eq(boundFiles.roomnum, LIBRARY), eq(boundFiles.ownerUid, caller.uid));
  } else {
    await courseFor(ctx, caller, input.roomnum, { need: 'read', door });
    where.push(eq(boundFiles.roomnum, input.roomnum));
  }
  if (input.fromTime !== undefined) where.push(gte(boundFiles.createdAt, input.fromTime));
  if (input.toTime !== undefined) where.push(lte(boundFiles.createdAt, input.toTime));
  const cond = and(...where);
  const [{ total }] = (await ctx.db.select({ total: count() }).from(boundFiles).where(cond)) as [{ total: number }];
  if (input.size === 0 || total <= input.index) return { total, files: [] };
  const files = await ctx.db
    .select()
    .from(boundFiles)
    .where(cond)
    .orderBy(desc(boundFiles.createdAt), desc(boundFiles.id))
    .limit(input.size)
    .offset(input.index);
  return { total, files };
}
