/**
 * The playback index's build state, written once (playback-build.ts): queueing (per scope), marking ready (with and
 * without a build's lease), and the job's due list, claim and failure record.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { first, inTransaction } from '../../db/client';
import { courses, users } from '../../db/schema';
import { runLesson } from '../testing/playback-fixtures';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { createCourse } from './courses';
import {
  claimIndexBuild,
  completeIndexBuild,
  dueIndexBuilds,
  markPlaybackReadyTx,
  noteIndexError,
  queueIndexTx,
  recordIndexBuildFailure,
} from './playback-build';
import { asTeacher } from './course-access';

type Ctx = ReturnType<typeof createTestCtx>;
const build = async (ctx: Ctx, roomnum: number) =>
  first(
    await ctx.db
      .select({
        state: courses.state,
        indexStatus: courses.indexStatus,
        indexDueAt: courses.indexDueAt,
        indexAttempts: courses.indexAttempts,
        indexError: courses.indexError,
        playbackIdxUrl: courses.playbackIdxUrl,
      })
      .from(courses)
      .where(eq(courses.roomnum, roomnum))
      .limit(1),
  )!;
const set = (ctx: Ctx, roomnum: number, v: Partial<typeof courses.$inferInsert>) =>
  inTransaction(ctx.db, (tx) => tx.update(courses).set(v).where(eq(courses.roomnum, roomnum)));

describe('queueIndexTx', () => {
  it("'ended': any ended course, due at the given time with a fresh budget; a course not ended is left alone", async () => {
    const ctx = createTestCtx();
    const { roomnum } = await runLesson(ctx);
    await set(ctx, roomnum, { indexStatus: 'failed', indexAttempts: 5, indexError: 'boom' });
    expect(await inTransaction(ctx.db, (tx) => queueIndexTx(tx, roomnum, T0 + 999))).toBe(true);
    expect(await build(ctx, roomnum)).toMatchObject({
      indexStatus: 'pending',
      indexDueAt: T0 + 999,
      indexAttempts: 0,
      indexError: '',
    });

    await inTransaction(ctx.db, (tx) =>
      tx.insert(users).values({ uid: 'teacher9', pwdHash: 'x', role: 1, createdAt: 1 }),
    );
    const draft = await createCourse(ctx, asTeacher({ uid: 'teacher9', role: 1, appid: ctx.env.SDKAPPID }), {
      title: 'draft',
    });
    expect(await inTransaction(ctx.db, (tx) => queueIndexTx(tx, draft.roomnum, T0))).toBe(false);
    expect(await build(ctx, draft.roomnum)).toMatchObject({ indexStatus: 'none', indexDueAt: 0 });
  });

  it("'built': only an index already built or given up; a pending build keeps its due time", async () => {
    const ctx = createTestCtx();
    const { roomnum } = await runLesson(ctx);
    const pending = await build(ctx, roomnum);
    expect(pending.indexStatus).toBe('pending');
    expect(await inTransaction(ctx.db, (tx) => queueIndexTx(tx, roomnum, T0 + 5000, 'built'))).toBe(false);
    expect(await build(ctx, roomnum)).toEqual(pending);

    for (const status of ['ready', 'failed'] as const) {
      await set(ctx, roomnum, { indexStatus: status, indexAttempts: 3 });
      expect(await inTransaction(ctx.db, (tx) => queueIndexTx(tx, roomnum, T0 + 5000, 'built'))).toBe(true);
      expect(await build(ctx, roomnum)).toMatchObject({
        indexStatus: 'pending',
        indexDueAt: T0 + 5000,
        indexAttempts: 0,
      });
    }
  });
});

describe('markPlaybackReadyTx', () => {
  it('marks an ended course state 3 with its index; never a live one', async () => {
    const ctx = createTestCtx();
    const { roomnum } = await runLesson(ctx);
    await set(ctx, roomnum, { indexError: 'earlier failure' });
    expect(await inTransaction(ctx.db, (tx) => markPlaybackReadyTx(tx, roomnum, 'https://replay.example/i.json'))).toBe(
      true,
    );
    expect(await build(ctx, roomnum)).toMatchObject({
      state: 3,
      indexStatus: 'ready',
      indexError: '',
      playbackIdxUrl: 'https://replay.example/i.json',
    });
    await set(ctx, roomnum, { state: 1, indexStatus: 'none', playbackIdxUrl: '' });
    expect(await inTransaction(ctx.db, (tx) => markPlaybackReadyTx(tx, roomnum, 'https://replay.example/i.json'))).toBe(
      false,
    );
    expect(await build(ctx, roomnum)).toMatchObject({ state: 1, indexStatus: 'none', playbackIdxUrl: '' });
  });

  it('with a lease: only while that build still holds the course', async () => {
    const ctx = createTestCtx();
    const { roomnum } = await runLesson(ctx);
    await set(ctx, roomnum, { indexDueAt: T0 + 600 });
    expect(await inTransaction(ctx.db, (tx) => markPlaybackReadyTx(tx, roomnum, 'storage:x', T0 + 601))).toBe(false);
    expect(await build(ctx, roomnum)).toMatchObject({ state: 2, indexStatus: 'pending', playbackIdxUrl: '' });
    expect(await completeIndexBuild(ctx, roomnum, T0 + 600, 'storage:x')).toBe(true);
    expect(await build(ctx, roomnum)).toMatchObject({ state: 3, indexStatus: 'ready', playbackIdxUrl: 'storage:x' });
  });
});

describe('the build job steps', () => {
  it('due list (longest overdue first), one claim per lease, failure retried or given up', async () => {
    const ctx = createTestCtx({ REPLAY_INDEX_DELAY_S: '0' });
    const a = (await runLesson(ctx, { title: 'a' })).roomnum;
    const b = (await runLesson(ctx, { title: 'b' })).roomnum;
    const now = ctx.clock.nowS();
    await set(ctx, a, { indexDueAt: now - 10 });
    await set(ctx, b, { indexDueAt: now - 20 });
    expect(await dueIndexBuilds(ctx, now, 10)).toEqual([b, a]);
    expect(await dueIndexBuilds(ctx, now, 1)).toEqual([b]);

    const lease = now + 600;
    const claimed = await claimIndexBuild(ctx, a, now, lease);
    expect(claimed).toMatchObject({ roomnum: a, indexDueAt: lease, indexAttempts: 1 });
    expect(await claimIndexBuild(ctx, a, now, lease)).toBeUndefined();
    expect(await dueIndexBuilds(ctx, now, 10)).toEqual([b]);

    await recordIndexBuildFailure(ctx, a, lease + 1, 'not ours', now + 60);
    expect(await build(ctx, a)).toMatchObject({ indexDueAt: lease, indexError: '' });
    await recordIndexBuildFailure(ctx, a, lease, 'storage down', now + 60);
    expect(await build(ctx, a)).toMatchObject({
      indexStatus: 'pending',
      indexDueAt: now + 60,
      indexError: 'storage down',
    });
    expect(await claimIndexBuild(ctx, a, now + 60, lease + 60)).toMatchObject({ indexAttempts: 2 });
    await recordIndexBuildFailure(ctx, a, lease + 60, 'still down', null);
    expect(await build(ctx, a)).toMatchObject({ indexStatus: 'failed', indexError: 'still down' });
    expect(await dueIndexBuilds(ctx, now + 10_000, 10)).toEqual([b]);
  });

  it("noteIndexError keeps the build state (Tencent's replay service failed; our job still builds)", async () => {
    const ctx = createTestCtx();
    const { roomnum } = await runLesson(ctx);
    const before = await build(ctx, roomnum);
    await noteIndexError(ctx, roomnum, 'replay index service: 1 failed');
    expect(await build(ctx, roomnum)).toEqual({ ...before, indexError: 'replay index service: 1 failed' });
  });
});
