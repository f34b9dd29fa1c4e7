/**
 * course-access.ts: every caller (owner, another teacher, a student) and a missing room, for each access value; and
 * how each door shows the refusals (legacy codes, the console's "someone else's course looks missing"); and the
 * console's mutations reading the course once (no separate ownership check before the service's).
 */
import { describe, expect, it, vi } from 'vitest';
import { callerFor, signedIn } from '../trpc/testing';
import { inTransaction } from '../../db/client';
import { courses, users } from '../../db/schema';
import { AppError } from '../errors';
import { LEGACY_CODE_OF } from '../legacy/codes';
import { toTRPCError } from '../trpc/error-map';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { asTeacher, getCourse, taughtCourse } from './course-access';
import { createCourse } from './courses';
import type { Caller } from './schemas';

const MISSING = 424242;

async function world() {
  const ctx = createTestCtx();
  const appid = ctx.env.SDKAPPID;
  const owner = asTeacher({ uid: 'owner', role: 1, appid });
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

/** What an access function answers: the course's room number, or the AppError code it threw. */
async function outcome(p: Promise<{ roomnum: number }>): Promise<number | string> {
  try {
    return (await p).roomnum;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

type Who = 'owner' | 'otherTeacher' | 'student';
const OK = 'course';

/** The policy of the file header, written out: [access, who, room] → result. */
const TABLE: ['taught' | 'exists', Who, 'course' | 'missing', string][] = [
  // Teaching: only the host; someone else's course is NOT_YOUR_COURSE whatever the caller's role.
  ['taught', 'owner', 'course', OK],
  ['taught', 'otherTeacher', 'course', 'NOT_YOUR_COURSE'],
  ['taught', 'student', 'course', 'NOT_YOUR_COURSE'],
  ['taught', 'owner', 'missing', 'ROOM_NOT_FOUND'],
  ['taught', 'student', 'missing', 'ROOM_NOT_FOUND'],
  // Existence (the legacy door's reads: querybind, enter, beat): anyone signed in, an existing course.
  ['exists', 'owner', 'course', OK],
  ['exists', 'otherTeacher', 'course', OK],
  ['exists', 'student', 'course', OK],
  ['exists', 'owner', 'missing', 'ROOM_NOT_FOUND'],
  ['exists', 'student', 'missing', 'ROOM_NOT_FOUND'],
];

describe('course access values', () => {
  it.each(TABLE)('%s, %s, %s room → %s', async (access, who, room, expected) => {
    const w = await world();
    const roomnum = room === 'course' ? w.roomnum : MISSING;
    const got = await outcome(access === 'taught' ? taughtCourse(w.ctx, w[who], roomnum) : getCourse(w.ctx, roomnum));
    expect(got).toBe(expected === OK ? w.roomnum : expected);
  });

  it('asTeacher admits teachers and refuses students with NO_PRIVILEGE and the reason given', async () => {
    const w = await world();
    expect(asTeacher(w.otherTeacher)).toBe(w.otherTeacher);
    expect(() => asTeacher(w.student, 'only teachers sign storage')).toThrow(
      expect.objectContaining({ code: 'NO_PRIVILEGE', message: 'only teachers sign storage' }),
    );
  });

  it("the owner's course under another appid is missing for every access", async () => {
    const w = await world();
    const [foreign] = await inTransaction(w.ctx.db, (tx) =>
      tx
        .insert(courses)
        .values({ appid: w.ctx.env.SDKAPPID + 1, hostUid: 'owner', title: 'elsewhere', createdAt: T0, listTime: T0 })
        .returning(),
    );
    expect(await outcome(taughtCourse(w.ctx, w.owner, foreign!.roomnum))).toBe('ROOM_NOT_FOUND');
    expect(await outcome(getCourse(w.ctx, foreign!.roomnum))).toBe('ROOM_NOT_FOUND');
  });
});

describe('how the doors show a refusal', () => {
  it("legacy: someone else's course is 10101 (NO_PRIVILEGE), a missing room 10010, with the protocol's text", () => {
    expect(LEGACY_CODE_OF.NOT_YOUR_COURSE).toBe(10101);
    expect(LEGACY_CODE_OF.NOT_YOUR_COURSE).toBe(LEGACY_CODE_OF.NO_PRIVILEGE);
    expect(LEGACY_CODE_OF.ROOM_NOT_FOUND).toBe(10010);
    expect(new AppError('NOT_YOUR_COURSE').message).toBe(new AppError('NO_PRIVILEGE').message);
  });

  it("console: someone else's course is exactly a missing room (code, message, appCode)", async () => {
    const shown = (e: AppError) => {
      const t = toTRPCError(e);
      return { code: t.code, message: t.message, appCode: (t.cause as AppError).code };
    };
    expect(shown(new AppError('NOT_YOUR_COURSE'))).toEqual(shown(new AppError('ROOM_NOT_FOUND')));
    // And end to end through the tRPC door.
    const w = await world();
    const other = callerFor(w.ctx, (await signedIn(w.ctx, 'teach2')).secret);
    const mine = await callerFor(w.ctx, (await signedIn(w.ctx, 'teach3')).secret).api.course.create({ title: 'x' });
    const theirs = await other.api.course.byId({ roomnum: mine.roomnum }).catch((e: Error) => e);
    const none = await other.api.course.byId({ roomnum: MISSING }).catch((e: Error) => e);
    const view = (e: unknown) => ({
      code: (e as { code?: string }).code,
      message: (e as Error).message,
      appCode: ((e as { cause?: { code?: string } }).cause ?? {}).code,
    });
    expect(view(theirs)).toMatchObject({ code: 'NOT_FOUND', appCode: 'ROOM_NOT_FOUND' });
    expect(view(theirs)).toEqual(view(none));
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
