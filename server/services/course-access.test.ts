/**
 * course-access.ts: every caller (owner, another teacher, a student) and a missing room, at both doors, for each need;
 * and the console's mutations reading the course once (no separate ownership check before the service's).
 */
import { describe, expect, it, vi } from 'vitest';
import { callerFor, signedIn } from '../trpc/testing';
import { inTransaction } from '../../db/client';
import { courses, users } from '../../db/schema';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { courseFor, type CourseAsk, type CourseNeed, type Door } from './course-access';
import { createCourse } from './courses';
import type { Caller } from './schemas';

const MISSING = 424242;

async function world() {
  const ctx = createTestCtx();
  const appid = ctx.env.SDKAPPID;
  const owner: Caller = { uid: 'owner', role: 1, appid };
  const otherTeacher: Caller = { uid: 'other', role: 1, appid };
  const student: Caller = { uid: 'stu', role: 0, appid };
  await inTransaction(ctx.db, (tx) =>
    tx
      .insert(users)
      .values([owner, otherTeacher, student].map((c) => ({ uid: c.uid, pwdHash: 'x', role: c.role, createdAt: T0 }))),
  );
  const { roomnum } = await createCourse(ctx, owner, { title: 'Algebra' });
  return { ctx, owner, otherTeacher, student, roomnum };
}

/** What courseFor answers: the course's room number, or the AppError code it threw. */
async function outcome(p: Promise<{ roomnum: number }>): Promise<number | string> {
  try {
    return (await p).roomnum;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

type Who = 'owner' | 'otherTeacher' | 'student';
const OK = 'course';

/** The policy table of the file header, written out: [door, need, who, room] → result. */
const TABLE: [Door, CourseNeed, Who, 'course' | 'missing', string][] = [
  // Legacy: missing room → ROOM_NOT_FOUND; someone else's course → NO_PRIVILEGE (10101), whatever the role.
  ['legacy', 'teach', 'owner', 'course', OK],
  ['legacy', 'teach', 'otherTeacher', 'course', 'NO_PRIVILEGE'],
  ['legacy', 'teach', 'student', 'course', 'NO_PRIVILEGE'],
  ['legacy', 'teach', 'owner', 'missing', 'ROOM_NOT_FOUND'],
  ['legacy', 'teach', 'student', 'missing', 'ROOM_NOT_FOUND'],
  // Legacy read (querybind): anyone signed in may read an existing course.
  ['legacy', 'read', 'owner', 'course', OK],
  ['legacy', 'read', 'otherTeacher', 'course', OK],
  ['legacy', 'read', 'student', 'course', OK],
  ['legacy', 'read', 'owner', 'missing', 'ROOM_NOT_FOUND'],
  ['legacy', 'read', 'student', 'missing', 'ROOM_NOT_FOUND'],
  // Console: students are refused outright; for teachers, someone else's course looks exactly like a missing one.
  ['console', 'teach', 'owner', 'course', OK],
  ['console', 'teach', 'otherTeacher', 'course', 'ROOM_NOT_FOUND'],
  ['console', 'teach', 'student', 'course', 'NO_PRIVILEGE'],
  ['console', 'teach', 'owner', 'missing', 'ROOM_NOT_FOUND'],
  ['console', 'teach', 'student', 'missing', 'NO_PRIVILEGE'],
  ['console', 'read', 'owner', 'course', OK],
  ['console', 'read', 'otherTeacher', 'course', 'ROOM_NOT_FOUND'],
  ['console', 'read', 'student', 'course', 'NO_PRIVILEGE'],
  ['console', 'read', 'owner', 'missing', 'ROOM_NOT_FOUND'],
  ['console', 'read', 'student', 'missing', 'NO_PRIVILEGE'],
];

describe('courseFor', () => {
  it.each(TABLE)('%s door, need %s, %s, %s room → %s', async (door, need, who, room, expected) => {
    const w = await world();
    const ask: CourseAsk = { need, door };
    const roomnum = room === 'course' ? w.roomnum : MISSING;
    const got = await outcome(courseFor(w.ctx, w[who], roomnum, ask));
    expect(got).toBe(expected === OK ? w.roomnum : expected);
  });

  it('another teacher at the console cannot tell their course from a missing room (same code and message)', async () => {
    const w = await world();
    const ask: CourseAsk = { need: 'teach', door: 'console' };
    const theirs = await courseFor(w.ctx, w.otherTeacher, w.roomnum, ask).catch((e: Error) => e);
    const none = await courseFor(w.ctx, w.otherTeacher, MISSING, ask).catch((e: Error) => e);
    expect(theirs).toBeInstanceOf(Error);
    expect({ ...(theirs as object), message: (theirs as Error).message }).toEqual({
      ...(none as object),
      message: (none as Error).message,
    });
  });

  it("the owner's course under another appid is missing at both doors", async () => {
    const w = await world();
    const [foreign] = await inTransaction(w.ctx.db, (tx) =>
      tx
        .insert(courses)
        .values({ appid: w.ctx.env.SDKAPPID + 1, hostUid: 'owner', title: 'elsewhere', createdAt: T0, listTime: T0 })
        .returning(),
    );
    for (const door of ['legacy', 'console'] as const)
      for (const need of ['teach', 'read'] as const)
        expect(await outcome(courseFor(w.ctx, w.owner, foreign!.roomnum, { need, door }))).toBe('ROOM_NOT_FOUND');
  });
});

describe('console mutations read the course once', () => {
  it('start, end, delete, unbind, publish and retry ask for the course exactly once each', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const reads = vi.spyOn(ctx.db.query.courses, 'findFirst');
    /** Runs a console call (which must succeed, or fail with `fails`) and counts its course reads. */
    const once = async (what: string, call: () => Promise<unknown>, fails?: string) => {
      reads.mockClear();
      const err = await call().then(
        () => '',
        (e: { code?: string }) => e.code ?? String(e),
      );
      expect({ what, err, reads: reads.mock.calls.length }).toEqual({ what, err: fails ?? '', reads: 1 });
    };
    const { roomnum } = await t.api.course.create({ title: 'Draft' });
    const draft = await t.api.course.create({ title: 'Throwaway' });
    await once('update', () => t.api.course.update({ roomnum, title: 'Renamed' }));
    await once('delete', () => t.api.course.delete({ roomnum: draft.roomnum }));
    await once('start', () => t.api.course.start({ roomnum }));
    await once('unbind', () => t.api.courseware.unbind({ roomnum, url: 'https://cdn.example/none.pdf' }), 'NOT_FOUND');
    await once('end', () => t.api.course.end({ roomnum }));
    await once('retryIndex', () => t.api.playback.retryIndex({ roomnum }));
    await once('setPublished', () => t.api.playback.setPublished({ roomnum, published: false }));
    // And someone else's course still looks missing through the same single read.
    const other = callerFor(ctx, (await signedIn(ctx, 'teach2')).secret);
    reads.mockClear();
    await expect(other.api.course.start({ roomnum })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(reads).toHaveBeenCalledTimes(1);
  });
});
