/**
 * A teacher's class list: the students they follow in the attendance matrix. Only existing student accounts can be
 * listed (any other id is reported as not a student account, never stored; lookups are rate-limited), and the CSV import reports a result per line.
 * The import is parsed here, bounded, so both the tRPC door and any future door share the same rules.
 * Callers: tRPC classList router, attendance matrix.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction } from '../../db/client';
import { classStudents, users } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { ROLE } from '../services/course-state';
import type { Teacher } from '../services/course-access';
import { userIdInput } from '../services/schemas';
import { LookupBudget } from './lookup-budget';

/**
 * What happened to one id: stored, already on the list, not a student account (whatever the reason: no such account
 * or another role — one answer, so the list tells nobody which ids are teachers), not an id at all.
 */
export type AddResult = 'added' | 'listed' | 'unknown' | 'invalid';

export interface ImportLine {
  /** 1-based line number in the uploaded file. */
  line: number;
  id: string;
  result: AddResult;
}

/** Bounds on an imported file: checked before it is parsed. */
export const CLASS_CSV_MAX_CHARS = 100_000;
const CLASS_CSV_MAX_LINES = 1000;
/** At most this many ids per add call (the form sends one, the import up to the line bound). */
export const CLASS_ADD_MAX = CLASS_CSV_MAX_LINES;

export const classCsvInput = z
  .string()
  .max(CLASS_CSV_MAX_CHARS, `at most ${CLASS_CSV_MAX_CHARS / 1000} kB`)
  .refine((s) => s.split(/\r\n|\r|\n/).length <= CLASS_CSV_MAX_LINES + 1, `at most ${CLASS_CSV_MAX_LINES} lines`);

/** One lookup budget per ServiceCtx (lookup-budget.ts). */
const budgets = new WeakMap<ServiceCtx, LookupBudget>();
function lookupBudgetOf(ctx: ServiceCtx): LookupBudget {
  let b = budgets.get(ctx);
  if (!b) budgets.set(ctx, (b = new LookupBudget(ctx.env.CLASS_LIST_LOOKUPS_PER_HOUR, ctx.clock)));
  return b;
}

/** The caller's class list, by id. */
export async function listClassStudents(ctx: ServiceCtx, caller: Teacher): Promise<{ uid: string; addedAt: number }[]> {
  return ctx.db
    .select({ uid: classStudents.studentUid, addedAt: classStudents.addedAt })
    .from(classStudents)
    .where(eq(classStudents.teacherUid, caller.uid))
    .orderBy(asc(classStudents.studentUid));
}

/** Adds ids to the caller's list in one transaction; one result per id, in order (a repeat in the batch is 'listed'). */
export async function addClassStudents(ctx: ServiceCtx, caller: Teacher, ids: readonly string[]): Promise<AddResult[]> {
  if (ids.length > CLASS_ADD_MAX) throw new AppError('BAD_INPUT', `at most ${CLASS_ADD_MAX} ids at once`);
  const valid = [...new Set(ids.filter((id) => userIdInput.safeParse(id).success))];
  lookupBudgetOf(ctx).take(caller.uid, valid.length);
  const now = ctx.clock.nowS();
  return inTransaction(ctx.db, async (tx) => {
    const roles = new Map<string, number>();
    const listed = new Set<string>();
    // Chunks keep each IN list under SQLite's variable limit.
    for (let i = 0; i < valid.length; i += 500) {
      const chunk = valid.slice(i, i + 500);
      for (const u of await tx
        .select({ uid: users.uid, role: users.role })
        .from(users)
        .where(inArray(users.uid, chunk)))
        roles.set(u.uid, u.role);
      for (const r of await tx
        .select({ uid: classStudents.studentUid })
        .from(classStudents)
        .where(and(eq(classStudents.teacherUid, caller.uid), inArray(classStudents.studentUid, chunk))))
        listed.add(r.uid);
    }
    // Decided in memory first, then inserted: the callback may run again on PostgreSQL, so nothing outside it changes.
    const results = ids.map((id): AddResult => {
      if (!userIdInput.safeParse(id).success) return 'invalid';
      const role = roles.get(id);
      if (role !== ROLE.STUDENT) return 'unknown';
      if (listed.has(id)) return 'listed';
      listed.add(id);
      return 'added';
    });
    const added = ids.filter((_, i) => results[i] === 'added');
    for (let i = 0; i < added.length; i += 500)
      await tx
        .insert(classStudents)
        .values(added.slice(i, i + 500).map((id) => ({ teacherUid: caller.uid, studentUid: id, addedAt: now })));
    return results;
  });
}

/** Removes one id from the caller's list; false when it was not there. */
export async function removeClassStudent(ctx: ServiceCtx, caller: Teacher, uid: string): Promise<boolean> {
  const r = await inTransaction(ctx.db, (tx) =>
    tx
      .delete(classStudents)
      .where(and(eq(classStudents.teacherUid, caller.uid), eq(classStudents.studentUid, uid)))
      .returning({ uid: classStudents.studentUid }),
  );
  return r.length > 0;
}

/**
 * Pure: the ids in an uploaded class list, with their line numbers. Accepts one id per line, or a CSV whose header
 * has a column named id / uid (any case; other columns ignored). BOM, CRLF, blank lines, surrounding quotes and spaces
 * are tolerated; without such a header the first column is the id and nothing is skipped.
 */
export function parseClassCsv(text: string): { line: number; id: string }[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const cells = (l: string) =>
    l.split(/[,;\t]/).map((c) =>
      c
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim(),
    );
  let col = 0;
  let start = 0;
  const header = cells(lines[0] ?? '').map((c) => c.toLowerCase());
  const named = header.findIndex((c) => c === 'id' || c === 'uid');
  if (named >= 0) {
    col = named;
    start = 1;
  }
  const out: { line: number; id: string }[] = [];
  for (let i = start; i < lines.length; i++) {
    const id = cells(lines[i]!)[col] ?? '';
    if (id !== '') out.push({ line: i + 1, id });
  }
  return out;
}

/** Imports a class list file (bounded by classCsvInput): one result per non-blank line. */
export async function importClassCsv(ctx: ServiceCtx, caller: Teacher, text: string): Promise<ImportLine[]> {
  const parsed = classCsvInput.safeParse(text);
  if (!parsed.success) throw new AppError('BAD_INPUT', parsed.error.issues[0]?.message ?? 'bad file');
  const rows = parseClassCsv(parsed.data);
  const results = await addClassStudents(
    ctx,
    caller,
    rows.map((r) => r.id),
  );
  return rows.map((r, i) => ({ ...r, result: results[i]! }));
}
