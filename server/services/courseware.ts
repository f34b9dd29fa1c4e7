/**
 * Courseware / video binding to a course or to a teacher's library (roomnum 0).
 * Callers: `live/reportbind`, `live/querybind`, console courseware pages.
 */
import { and, count, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import { first, inTransaction } from '../../db/client';
import { boundFiles, type BoundFile, type Course } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { storedRefOfUrl } from '../integrations/storage/stored-ref';
import { asTeacher, getCourse, taughtCourse, type TaughtCourse } from './course-access';
import { appendEvents } from './course-events';
import { canEditFiles, ROLE } from './course-state';
import { type BindFileInput, type Caller } from './schemas';

export const LIBRARY = 0;

/** Extra facts the console knows about an upload (legacy clients send none). */
export interface FileMeta {
  size?: number;
  mime?: string;
}

/**
 * Where `owner` may bind files: their library (`course` null) or a course they teach. Made by bindTargetFor (or from
 * a TaughtCourse), so holding one is the permission.
 */
export interface BindTarget {
  readonly roomnum: number;
  readonly course: TaughtCourse | null;
  readonly owner: Caller;
}

/** The bind target of a course its teacher holds (the door resolved it): the files are the host's. */
export function courseTarget(c: TaughtCourse): BindTarget {
  return { roomnum: c.roomnum, course: c, owner: { uid: c.hostUid, role: ROLE.TEACHER, appid: c.appid } };
}

/**
 * The caller's library (teachers only) or, for a room number, the course if they teach it: one read. Whether the
 * course's files may change now is checked where they change (assertFilesEditable). Doors call it before binding.
 * Throws NO_PRIVILEGE, ROOM_NOT_FOUND, NOT_YOUR_COURSE.
 */
export async function bindTargetFor(ctx: ServiceCtx, caller: Caller, roomnum: number): Promise<BindTarget> {
  if (roomnum === LIBRARY)
    return { roomnum, course: null, owner: asTeacher(caller, 'only teachers have a courseware library') };
  return courseTarget(await taughtCourse(ctx, caller, roomnum));
}

/** A course's files may change before and during the class only. Throws COURSE_STATE. Callers: binding, uploads. */
export function assertFilesEditable(c: { state: number }): void {
  if (!canEditFiles(c)) {
    throw new AppError('COURSE_STATE', 'files can only be added or removed before or during a course');
  }
}

/**
 * Binds a file to a course (state 0 or 1) or to a library, `to` as the door resolved it (bindTargetFor). A URL of this
 * server's storage (at PUBLIC_BASE_URL or `base`, the request's base) is stored as its key (stored-ref.ts); other URLs
 * as sent. Throws COURSE_STATE, FILE_ALREADY_BOUND, BAD_INPUT.
 */
export async function bindFile(
  ctx: ServiceCtx,
  to: BindTarget,
  input: BindFileInput,
  meta: FileMeta = {},
  base?: string,
): Promise<BoundFile> {
  if (to.course) assertFilesEditable(to.course);
  const { roomnum, owner: caller } = to;
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

/**
 * Unbinds a url (as bound, or as this server handed it out at `base`) from `to` (bindTargetFor at the door). Throws
 * COURSE_STATE, FILE_NOT_BOUND.
 */
export async function unbindFile(ctx: ServiceCtx, to: BindTarget, sentUrl: string, base?: string): Promise<void> {
  if (to.course) assertFilesEditable(to.course);
  const { roomnum, owner: caller } = to;
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
 * Whose files a list shows: one account's library, or a course's files. The door decides who may read which: on the
 * legacy door any signed-in account reads an existing course's files (students need the courseware in class,
 * getCourse); the console only its teacher's (taughtCourse).
 */
export type FileShelf = { library: Caller } | { course: Course };

/** The shelf a legacy client asks for: its library for room 0, else the course, whoever asks. Throws ROOM_NOT_FOUND. */
export async function shelfFor(ctx: ServiceCtx, caller: Caller, roomnum: number): Promise<FileShelf> {
  return roomnum === LIBRARY ? { library: caller } : { course: await getCourse(ctx, roomnum) };
}

/** A shelf's bound files, newest first, a page of them with the total. Throws BAD_INPUT (from_time after to_time). */
export async function listBoundFiles(
  ctx: ServiceCtx,
  shelf: FileShelf,
  input: { index: number; size: number; fromTime?: number; toTime?: number },
): Promise<{ total: number; files: BoundFile[] }> {
  if (input.fromTime !== undefined && input.toTime !== undefined && input.fromTime > input.toTime) {
    throw new AppError('BAD_INPUT', 'from_time: must not be after to_time');
  }
  const where: SQL[] = [];
  if ('library' in shelf) where.push(eq(boundFiles.roomnum, LIBRARY), eq(boundFiles.ownerUid, shelf.library.uid));
  else where.push(eq(boundFiles.roomnum, shelf.course.roomnum));
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
