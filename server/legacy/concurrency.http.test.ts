/**
 * Concurrency over real HTTP: 200 students entering and beating at once lose nothing; 100 parallel creates (also split
 * across two servers on one database file) give distinct room numbers; a course raced to start starts once; an id
 * raced to register exists once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { courseEvents, courses, imMessages, members } from '../../db/schema';
import { closeServiceCtx, createServiceCtx } from '../context';
import { loadEnv } from '../env';
import { createLogger } from '../logger';
import { createCourse, seedAccounts, startCourse } from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { createTestCtx } from '../testing/test-ctx';
import { openSecondHandle } from '../../db/testing/test-db';
import { testEngine } from '../../db/testing/test-engine';
import { first } from '../../db/client';

const STUDENTS = 200;

describe('concurrency over HTTP', () => {
  const ctx = createTestCtx();
  let s: LegacyTestServer;
  let teacher: string;
  let students: [string, string][];
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    teacher = (await seedAccounts(ctx, ['teacher1'], 1)).get('teacher1')!;
    students = [
      ...(await seedAccounts(
        ctx,
        Array.from({ length: STUDENTS }, (_, i) => `stu${i}`),
        0,
      )),
    ];
  });
  afterAll(() => s.close());

  const events = async (roomnum: number, kind: string) =>
    await ctx.db
      .select()
      .from(courseEvents)
      .where(and(eq(courseEvents.roomnum, roomnum), eq(courseEvents.kind, kind as 'member_enter')));

  it(`${STUDENTS} students entering and beating in parallel: nobody lost`, async () => {
    const room = await createCourse(s, teacher, 'crowd');
    await startCourse(s, teacher, room);
    ctx.clock.advance(3);
    const replies = await Promise.all(
      students.flatMap(([uid, tok], i) => [
        s
          .call('live/reportmemid', { token: tok, roomnum: i % 2 ? room : String(room), operate: 0 })
          .then((r) => ({ uid, op: 'enter', r })),
        s.call('live/heartbeat', { token: tok, roomnum: String(room) }).then((r) => ({ uid, op: 'heartbeat', r })),
      ]),
    );
    for (const { uid, op, r } of replies) expect(r, `${op} ${uid}`).toEqual({ errorCode: 0, errorInfo: '' });

    const list = await s.call<{ total: number; idlist: { id: string; role: number }[] }>('live/roomidlist', {
      token: teacher,
      roomnum: room,
      index: 0,
      size: 50,
    });
    expect(list.data!.total).toBe(STUDENTS + 1);
    expect(list.data!.idlist[0]).toEqual({ id: 'teacher1', role: 1 });
    const rows = await ctx.db.select().from(members).where(eq(members.roomnum, room));
    expect(rows).toHaveLength(STUDENTS + 1);
    expect(rows.every((m) => m.exitedAt === null)).toBe(true);
    expect(rows.filter((m) => m.uid !== 'teacher1').every((m) => m.lastHeartbeat === ctx.clock.nowS())).toBe(true);
    const entered = (await events(room, 'member_enter')).filter((e) => e.uid !== 'teacher1');
    expect(entered).toHaveLength(STUDENTS);
    expect(new Set(entered.map((e) => e.uid)).size).toBe(STUDENTS);
    // Every enter announced once, each with its own MsgSeq, no gaps: 1 is the start, then 2..201.
    const seqs = (
      await ctx.db
        .select({ seq: imMessages.msgSeq })
        .from(imMessages)
        .where(eq(imMessages.groupId, String(room)))
    )
      .map((m) => m.seq)
      .sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: STUDENTS + 1 }, (_, i) => i + 1));
    const listed = await s.call<{ rooms: { memsize: number }[] }>('live/roomlist', {
      token: teacher,
      roomnum: room,
      index: 0,
      size: 1,
    });
    expect(listed.data!.rooms[0]!.memsize).toBe(STUDENTS + 1);

    // And all of them leaving at once.
    ctx.clock.advance(60);
    const exits = await Promise.all(
      students.map(([, tok]) => s.call('live/reportmemid', { token: tok, roomnum: room, operate: 1 })),
    );
    expect(exits.every((r) => r.errorCode === 0)).toBe(true);
    expect(
      (await s.call<{ total: number }>('live/roomidlist', { token: teacher, roomnum: room, index: 0, size: 50 })).data!
        .total,
    ).toBe(1);
    expect(await events(room, 'member_exit')).toHaveLength(STUDENTS);
  });

  // SQLite hands out consecutive numbers; PostgreSQL's identity may skip numbers a retried transaction drew (never
  // reissuing one), so there only distinct and increasing is asserted.
  it('100 parallel creates → 100 distinct room numbers (consecutive on SQLite), each with its created event', async () => {
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        s.call<{ roomnum: number; groupid: string }>('live/create', { token: teacher, title: `c${i}` }),
      ),
    );
    const nums = replies.map((r) => {
      expect(r.errorCode).toBe(0);
      expect(r.data!.groupid).toBe(String(r.data!.roomnum));
      return r.data!.roomnum;
    });
    expect(new Set(nums).size).toBe(100);
    const sorted = [...nums].sort((a, b) => a - b);
    if (testEngine() === 'sqlite') expect(sorted.at(-1)! - sorted[0]!).toBe(99);
    else expect(sorted[0]).toBeGreaterThanOrEqual(10001);
    for (const n of nums) expect(await events(n, 'created'), String(n)).toHaveLength(1);
  });

  it('creates racing on two servers over one database file never share a room number', async () => {
    const other = createServiceCtx(loadEnv({ DATABASE_URL: ctx.dbUrl, STORAGE_DIR: `${ctx.dir}/storage` }), {
      db: openSecondHandle({ url: ctx.dbUrl }),
      clock: ctx.clock,
      log: createLogger('silent'),
    });
    const s2 = await startLegacyTestServer(other);
    try {
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? s : s2).call<{ roomnum: number }>('live/create', { token: teacher, title: `twin${i}` }),
        ),
      );
      expect(replies.every((r) => r.errorCode === 0)).toBe(true);
      expect(new Set(replies.map((r) => r.data!.roomnum)).size).toBe(100);
      expect((await ctx.db.select().from(courses)).filter((c) => c.title.startsWith('twin'))).toHaveLength(100);
    } finally {
      await s2.close();
      await closeServiceCtx(other);
    }
  });

  it('a course raced to start by 50 requests starts exactly once; raced to end, ends once', async () => {
    const room = await createCourse(s, teacher, 'race');
    const starts = await Promise.all(
      Array.from({ length: 50 }, () => s.call('live/startcourse', { token: teacher, roomnum: room })),
    );
    expect(starts.filter((r) => r.errorCode === 0)).toHaveLength(1);
    expect(starts.filter((r) => r.errorCode !== 0).every((r) => r.errorCode === 10102)).toBe(true);
    expect(await events(room, 'started')).toHaveLength(1);
    const c = first(await ctx.db.select().from(courses).where(eq(courses.roomnum, room)).limit(1))!;
    expect(c.state).toBe(1);
    const ends = await Promise.all(
      Array.from({ length: 50 }, () => s.call('live/exitroom', { token: teacher, roomnum: room })),
    );
    expect(ends.filter((r) => r.errorCode === 0)).toHaveLength(1);
    expect(ends.filter((r) => r.errorCode !== 0).every((r) => r.errorCode === 10102)).toBe(true);
    expect(await events(room, 'ended')).toHaveLength(1);
  });

  it('the same id registered by 8 requests at once exists once; 8 parallel logins get 8 working tokens', async () => {
    const regs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => s.call('account/regist', { id: 'twin', pwd: `cHdk${i}`, role: i % 2 })),
    );
    expect(regs.filter((r) => r.errorCode === 0)).toHaveLength(1);
    expect(regs.filter((r) => r.errorCode === 10004)).toHaveLength(7);
    const winner = regs.findIndex((r) => r.errorCode === 0);
    const logins = await Promise.all(
      Array.from({ length: 8 }, () => s.call<{ token: string }>('account/login', { id: 'twin', pwd: `cHdk${winner}` })),
    );
    const tokens = new Set(logins.map((l) => l.data!.token));
    expect(tokens.size).toBe(8);
    for (const tok of tokens)
      expect((await s.call('live/querybind', { token: tok, index: 0, size: 1 })).errorCode).toBe(0);
  });
});
