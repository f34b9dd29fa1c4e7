/**
 * The playback index job with a fixed clock: due only after REPLAY_INDEX_DELAY_S, writes a schema-valid index to
 * storage and marks state 3; failures back off exponentially and end 'failed' after the attempt budget; two
 * processes over one database build each course once; tencent IM without history still yields an index that says so.
 */
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, inTransaction } from '../../db/client';
import { courses, type Course } from '../../db/schema';
import { createServiceCtx } from '../context';
import { createLogger } from '../logger';
import type { StorageProvider } from '../integrations/storage';
import { recordingReadyInput, recordRecording } from '../services/recordings';
import { startFakeImServer, type FakeImServer } from '../testing/fake-im-server';
import { assertValidPlaybackIndex, recordingCallback, runLesson } from '../testing/playback-fixtures';
import { createTestCtx } from '../testing/test-ctx';
import { openSecondHandle } from '../../db/testing/test-db';
import { testEngine } from '../../db/testing/test-engine';
import { keyOfStoredRef } from '../integrations/storage/stored-ref';
import {
  buildPlaybackIndexes,
  indexBackoffS,
  INDEX_LEASE_S,
  playbackIndexKey,
  requeuePlaybackIndex,
} from './build-playback-index';
import type { PlaybackIndex } from '../services/playback-index';
import { JOBS } from './scheduler';
import { taughtCourse, asTeacher } from '../services/course-access';

type Ctx = ReturnType<typeof createTestCtx>;
const courseOf = async (ctx: Ctx, roomnum: number): Promise<Course> =>
  (await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, roomnum) }))!;

/** Sets columns of a course directly (a state another process left behind). */
async function setCourse(ctx: Ctx, roomnum: number, values: Partial<Course>): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    await tx.update(courses).set(values).where(eq(courses.roomnum, roomnum));
  });
}

/** Reads an index the local provider wrote, from the course's stored reference. */
function readLocalIndex(ctx: Ctx, stored: string): PlaybackIndex {
  const key = keyOfStoredRef(stored)!;
  return JSON.parse(fs.readFileSync(`${ctx.env.STORAGE_DIR}/${key}`, 'utf8')) as PlaybackIndex;
}

/** A storage provider that fails putObject while `failing` is set (a COS outage). */
function flakyStorage(inner: () => StorageProvider) {
  const s = {
    failing: true,
    puts: 0,
    get name() {
      return inner().name;
    },
    async putObject(key: string, body: Buffer, opts: { contentType: string }) {
      s.puts += 1;
      if (s.failing) throw new Error('COS putObject: InternalError we encountered an internal error');
      return inner().putObject(key, body, opts);
    },
    presignPut: (key: string, o: { contentType?: string; expiresS: number }) => inner().presignPut(key, o),
    publicUrl: (key: string, base?: string) => inner().publicUrl(key, base),
    stat: (key: string) => inner().stat(key),
  };
  return s;
}

describe('build-playback-index job', () => {
  it('is registered with the scheduler', () => {
    expect(JOBS.map((j) => j.name)).toContain('build-playback-index');
  });

  it('waits REPLAY_INDEX_DELAY_S after the end, then builds, stores and publishes the index (state 3)', async () => {
    const ctx = createTestCtx({ REPLAY_INDEX_DELAY_S: '300', PUBLIC_BASE_URL: 'http://classroom.example' });
    const lesson = await runLesson(ctx);
    await recordRecording(ctx, recordingReadyInput.parse(recordingCallback(lesson.roomnum, 'teacher1')));
    expect(await courseOf(ctx, lesson.roomnum)).toMatchObject({
      state: 2,
      indexStatus: 'pending',
      indexDueAt: lesson.end + 300,
    });
    ctx.clock.set(lesson.end + 299);
    expect(await buildPlaybackIndexes(ctx)).toEqual({ built: [], retrying: [], failed: [] });
    ctx.clock.set(lesson.end + 300);
    expect(await buildPlaybackIndexes(ctx)).toEqual({ built: [lesson.roomnum], retrying: [], failed: [] });
    const c = await courseOf(ctx, lesson.roomnum);
    expect(c).toMatchObject({ state: 3, indexStatus: 'ready', indexError: '', indexAttempts: 1 });
    // Stored as a key with a random 128-bit segment (the URL is built when answering).
    expect(c.playbackIdxUrl).toMatch(new RegExp(`^storage:playback/${lesson.roomnum}/[0-9a-f]{32}/index\\.json$`));
    const key = keyOfStoredRef(c.playbackIdxUrl)!;
    const idx = readLocalIndex(ctx, c.playbackIdxUrl);
    assertValidPlaybackIndex(idx);
    expect(idx.generated_at).toBe(lesson.end + 300);
    expect(idx.recordings).toHaveLength(1);
    expect(idx.messages.count).toBe(4);
    expect(await ctx.storage.stat(key)).toMatchObject({ contentType: 'application/json' });
    // The old predictable key is not written.
    expect(await ctx.storage.stat(`playback/${lesson.roomnum}/index-${lesson.end + 300}.json`)).toBeNull();
    // A rebuild (a late recording re-queues it) overwrites the same key: the URL a teacher shared stays valid.
    await requeuePlaybackIndex(ctx, await taughtCourse(ctx, lesson.teacher, lesson.roomnum));
    expect((await buildPlaybackIndexes(ctx)).built).toEqual([lesson.roomnum]);
    expect((await courseOf(ctx, lesson.roomnum)).playbackIdxUrl).toBe(c.playbackIdxUrl);
    // Nothing left to do.
    ctx.clock.advance(3600);
    expect(await buildPlaybackIndexes(ctx)).toEqual({ built: [], retrying: [], failed: [] });
  });

  it('failures back off exponentially, then stay failed and visible; the teacher retry rebuilds it', async () => {
    let real: StorageProvider | null = null;
    const storage = flakyStorage(() => real!);
    const ctx = createTestCtx({ REPLAY_INDEX_DELAY_S: '0', REPLAY_INDEX_MAX_ATTEMPTS: '4' }, { storage });
    real = createServiceCtx(ctx.env, { db: ctx.db, clock: ctx.clock, log: ctx.log, im: ctx.im }).storage;
    const lesson = await runLesson(ctx);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const now = ctx.clock.nowS();
      expect(await buildPlaybackIndexes(ctx)).toEqual({ built: [], retrying: [lesson.roomnum], failed: [] });
      const c = await courseOf(ctx, lesson.roomnum);
      expect(c).toMatchObject({ state: 2, indexStatus: 'pending', indexAttempts: attempt });
      expect(c.indexError).toContain('InternalError');
      waits.push(c.indexDueAt - now);
      ctx.clock.set(c.indexDueAt - 1);
      expect((await buildPlaybackIndexes(ctx)).retrying).toEqual([]); // not before the backoff has passed
      ctx.clock.set(c.indexDueAt);
    }
    expect(waits).toEqual([indexBackoffS(1), indexBackoffS(2), indexBackoffS(3)]);
    expect(waits).toEqual([60, 120, 240]);
    expect(await buildPlaybackIndexes(ctx)).toEqual({ built: [], retrying: [], failed: [lesson.roomnum] });
    expect(await courseOf(ctx, lesson.roomnum)).toMatchObject({
      state: 2,
      indexStatus: 'failed',
      indexAttempts: 4,
      playbackIdxUrl: '',
    });
    ctx.clock.advance(86400);
    expect(await buildPlaybackIndexes(ctx)).toEqual({ built: [], retrying: [], failed: [] });
    expect(storage.puts).toBe(4);

    storage.failing = false;
    await requeuePlaybackIndex(ctx, await taughtCourse(ctx, lesson.teacher, lesson.roomnum));
    expect(await buildPlaybackIndexes(ctx)).toEqual({ built: [lesson.roomnum], retrying: [], failed: [] });
    expect(await courseOf(ctx, lesson.roomnum)).toMatchObject({
      state: 3,
      indexStatus: 'ready',
      indexAttempts: 1,
      indexError: '',
    });
  });

  it('index keys: a random 128-bit segment per course, kept across rebuilds; the old predictable form gets a new one', () => {
    const a = playbackIndexKey(10001, '');
    const b = playbackIndexKey(10002, '');
    expect(a).toMatch(/^playback\/10001\/[0-9a-f]{32}\/index\.json$/);
    expect(b).toMatch(/^playback\/10002\/[0-9a-f]{32}\/index\.json$/);
    expect(a.split('/')[2]).not.toBe(b.split('/')[2]);
    expect(playbackIndexKey(10001, `storage:${a}`)).toBe(a);
    // Another room's segment, or the retired predictable key, is never reused.
    expect(playbackIndexKey(10002, `storage:${a}`)).not.toBe(`playback/10002/${a.split('/')[2]}/index.json`);
    expect(playbackIndexKey(10001, 'storage:playback/10001/index-1800000000.json')).toMatch(
      /^playback\/10001\/[0-9a-f]{32}\/index\.json$/,
    );
  });

  it('a claimed build is leased: a crashed build is retried only after the lease', async () => {
    const ctx = createTestCtx({ REPLAY_INDEX_DELAY_S: '0' });
    const lesson = await runLesson(ctx);
    const now = ctx.clock.nowS();
    // Simulate a process that claimed the course and died.
    await setCourse(ctx, lesson.roomnum, { indexDueAt: now + INDEX_LEASE_S, indexAttempts: 1 });
    expect((await buildPlaybackIndexes(ctx)).built).toEqual([]);
    ctx.clock.advance(INDEX_LEASE_S);
    expect((await buildPlaybackIndexes(ctx)).built).toEqual([lesson.roomnum]);
    expect(await courseOf(ctx, lesson.roomnum)).toMatchObject({ indexAttempts: 2, indexStatus: 'ready' });
  });

  it('does not build before end_imseq is settled (the sweeper writes it just after ending)', async () => {
    const ctx = createTestCtx({ REPLAY_INDEX_DELAY_S: '0' });
    const lesson = await runLesson(ctx);
    await setCourse(ctx, lesson.roomnum, { endImseq: 0 });
    expect((await buildPlaybackIndexes(ctx)).retrying).toEqual([lesson.roomnum]);
    expect(await courseOf(ctx, lesson.roomnum)).toMatchObject({
      state: 2,
      indexStatus: 'pending',
      indexError: 'end_imseq is not settled yet',
    });
    await setCourse(ctx, lesson.roomnum, { endImseq: 4 });
    ctx.clock.advance(indexBackoffS(1));
    expect((await buildPlaybackIndexes(ctx)).built).toEqual([lesson.roomnum]);
  });

  // A second instance: a second pool on PostgreSQL; on SQLite the same connection (see sweep-dead-rooms.test.ts: a
  // second connection in one process cannot interleave transactions; processes are multi-instance.http.test.ts).
  it('two instances over one database build each course exactly once', async () => {
    const a = createTestCtx({ REPLAY_INDEX_DELAY_S: '0' });
    const rooms: number[] = [];
    for (let i = 0; i < 6; i++) rooms.push((await runLesson(a, { title: `lesson ${i}` })).roomnum);
    let puts = 0;
    const counting = (inner: StorageProvider): StorageProvider => ({
      ...inner,
      name: inner.name,
      putObject: async (k, b, o) => (puts++, inner.putObject(k, b, o)),
    });
    const dbB = testEngine() === 'pg' ? openSecondHandle({ url: a.dbUrl }) : a.db;
    const b = createServiceCtx(a.env, { db: dbB, clock: a.clock, log: createLogger('silent') });
    const ctxA = { ...a, storage: counting(a.storage) };
    const ctxB = { ...b, storage: counting(b.storage) };
    const [ra, rb] = await Promise.all([buildPlaybackIndexes(ctxA), buildPlaybackIndexes(ctxB)]);
    expect([...ra.built, ...rb.built].sort()).toEqual(rooms.sort());
    expect(puts).toBe(6);
    if (dbB !== a.db) await closeDb(dbB);
  });

  describe('with Tencent IM that keeps no history (AVChatRoom)', () => {
    const KEY = 'job-im-key';
    let fake: FakeImServer;
    beforeAll(async () => {
      fake = await startFakeImServer({ sdkappid: 1400000000, admin: 'administrator', key: KEY });
    });
    afterAll(() => fake.close());

    it('indexes our own 1001–1004 messages and says the history is incomplete', async () => {
      const ctx = createTestCtx({
        IM_PROVIDER: 'tencent',
        IM_SECRET_KEY: KEY,
        IM_API_BASE: fake.url,
        REPLAY_INDEX_DELAY_S: '0',
      });
      fake.avChatRoom(undefined, 'empty');
      const lesson = await runLesson(ctx, { students: ['stu1'] });
      await recordRecording(ctx, recordingReadyInput.parse(recordingCallback(lesson.roomnum, 'teacher1')));
      expect((await buildPlaybackIndexes(ctx)).built).toEqual([lesson.roomnum]);
      const idx = readLocalIndex(ctx, (await courseOf(ctx, lesson.roomnum)).playbackIdxUrl);
      assertValidPlaybackIndex(idx);
      expect(idx.messages.source).toBe('tencent');
      expect(idx.messages.complete).toBe(false);
      expect(idx.messages.note).toMatch(/history/);
      expect(idx.messages.items.map((m) => JSON.parse(String(m.body[0]!.MsgContent.Data)).type)).toEqual([
        1001, 1003, 1002,
      ]);
      expect(fake.requests.some((r) => r.command === 'group_msg_get_simple')).toBe(true);
    });

    it('merges chat messages Tencent kept with our own log', async () => {
      fake.reset();
      const ctx = createTestCtx({
        IM_PROVIDER: 'tencent',
        IM_SECRET_KEY: KEY,
        IM_API_BASE: fake.url,
        REPLAY_INDEX_DELAY_S: '0',
      });
      const t = asTeacher({ uid: 'teacher1', role: 1, appid: ctx.env.SDKAPPID });
      const { seedAccounts } = await import('../testing/legacy-fixtures');
      await seedAccounts(ctx, ['teacher1'], 1);
      const { createCourse, startCourse, endCourse } = await import('../services/courses');
      const { roomnum } = await createCourse(ctx, t, { title: 'chat' });
      await startCourse(ctx, await taughtCourse(ctx, t, roomnum), { timeStamp: 1 });
      fake.inject(String(roomnum), { from: 'stu9', data: 'hello teacher' });
      await endCourse(ctx, await taughtCourse(ctx, t, roomnum), { timeStamp: 2 });
      expect((await buildPlaybackIndexes(ctx)).built).toEqual([roomnum]);
      const idx = readLocalIndex(ctx, (await courseOf(ctx, roomnum)).playbackIdxUrl);
      assertValidPlaybackIndex(idx);
      // The fake keeps the group from the previous test (same room number), so this lesson's seqs start later.
      expect(idx.messages).toMatchObject({ complete: true, to_seq: idx.messages.from_seq + 2, count: 3 });
      expect(idx.messages.items.map((m) => m.from)).toEqual(['teacher1', 'stu9', 'teacher1']);
    });
  });
});
