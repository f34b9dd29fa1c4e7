/**
 * The course lifecycle commands over real HTTP: live/create, startcourse, exitroom, heartbeat, reportmemid, roomidlist.
 * Exact replies, every error code, what lands in the database and in the group's IM log, and that a failed IM send
 * (10103) changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { courseEvents, courses, members } from '../../db/schema';
import {
  createCourse,
  createFailableImCtx,
  err,
  groupPayloads,
  OK,
  signUp,
  startCourse,
} from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { T0 } from '../testing/test-ctx';
import { first } from '../../db/client';

describe('live course commands over HTTP', () => {
  const ctx = createFailableImCtx();
  let s: LegacyTestServer;
  let teacher: string;
  let teacher2: string;
  let stu: string;
  let stu2: string;
  let stu3: string;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    teacher = await signUp(s, 'teacher1', 1);
    teacher2 = await signUp(s, 'teacher2', 1);
    stu = await signUp(s, 'stu1', 0);
    stu2 = await signUp(s, 'stu2', 0);
    stu3 = await signUp(s, 'stu3', 0);
  });
  afterAll(() => s.close());

  const course = async (roomnum: number) =>
    first(await ctx.db.select().from(courses).where(eq(courses.roomnum, roomnum)).limit(1))!;
  const member = async (roomnum: number, uid: string) =>
    first(
      await ctx.db
        .select()
        .from(members)
        .where(and(eq(members.roomnum, roomnum), eq(members.uid, uid)))
        .limit(1),
    );
  const events = async (roomnum: number) =>
    await ctx.db.select().from(courseEvents).where(eq(courseEvents.roomnum, roomnum)).orderBy(courseEvents.id);
  const imLog = (roomnum: number) => groupPayloads(ctx, roomnum);
  const create = (title = 'course', tok = teacher) => createCourse(s, tok, title);
  const start = (roomnum: number, tok = teacher) => startCourse(s, tok, roomnum);

  describe('live/create', () => {
    it('creates course 10001 then 10002…: data {roomnum, groupid}, state 0, cover stored', async () => {
      expect(await s.call('live/create', { token: teacher, title: '数学 第一课', cover: 'http://img/c.png' })).toEqual({
        errorCode: 0,
        errorInfo: '',
        data: { roomnum: 10001, groupid: '10001' },
      });
      expect(await s.call('live/create', { token: teacher, title: 'second' })).toEqual({
        ...OK,
        data: { roomnum: 10002, groupid: '10002' },
      });
      expect(await course(10001)).toMatchObject({
        appid: ctx.env.SDKAPPID,
        hostUid: 'teacher1',
        title: '数学 第一课',
        cover: 'http://img/c.png',
        state: 0,
        createdAt: T0,
        beginTime: 0,
        endTime: 0,
      });
      expect((await course(10002)).cover).toBe('');
      expect((await events(10001)).map((e) => [e.kind, e.uid, e.role, e.at])).toEqual([['created', 'teacher1', 1, T0]]);
    });

    it('accepts a 128-character title and a 512-character cover', async () => {
      expect(
        (await s.call('live/create', { token: teacher, title: 't'.repeat(128), cover: 'c'.repeat(512) })).errorCode,
      ).toBe(0);
      expect((await s.call('live/create', { token: teacher, title: '课'.repeat(128) })).errorCode).toBe(0);
    });

    it('students → 10101 (nothing created)', async () => {
      const before = (await ctx.db.select().from(courses)).length;
      expect(await s.call('live/create', { token: stu, title: 'mine' })).toEqual(err(10101));
      expect((await ctx.db.select().from(courses)).length).toBe(before);
    });

    it.each([
      ['title', {}],
      ['title', { title: '' }],
      ['title', { title: 't'.repeat(129) }],
      ['title', { title: 42 }],
      ['title', { title: null }],
      ['title', { title: ['t'] }],
      ['cover', { title: 't', cover: 'c'.repeat(513) }],
      ['cover', { title: 't', cover: 7 }],
      ['cover', { title: 't', cover: null }],
    ])('bad %s → 10003 naming it: %j', async (field, body) => {
      expect(await s.call('live/create', { token: teacher, ...body })).toEqual(err(10003, field));
    });
  });

  describe('live/startcourse', () => {
    it('starts: IM 1001 {type, seq, timestamp: request timeStamp, value:{uid}} → begin_imseq; state 1; teacher seated', async () => {
      const room = await create('start me');
      ctx.clock.advance(10);
      const r = await s.raw('live', 'startcourse', {
        appid: ctx.env.SDKAPPID,
        timeStamp: 1700000123,
        token: teacher,
        roomnum: room,
      });
      expect(r.json).toEqual(OK);
      const im = await imLog(room);
      expect(im).toHaveLength(1);
      expect(im[0]!.from).toBe('teacher1');
      expect(im[0]!.data).toEqual({
        type: 1001,
        seq: expect.any(Number),
        timestamp: 1700000123,
        value: { uid: 'teacher1' },
      });
      expect(Number.isInteger(im[0]!.data.seq)).toBe(true);
      const c = await course(room);
      expect(c).toMatchObject({ state: 1, beginTime: T0 + 10, beginImseq: im[0]!.seq, lastHeartbeat: T0 + 10 });
      expect(await member(room, 'teacher1')).toMatchObject({ role: 1, joinedAt: T0 + 10, exitedAt: null });
      expect((await events(room)).map((e) => e.kind)).toEqual(['created', 'started', 'member_enter']);
    });

    it('10010 unknown course; 10101 student or another teacher; 10102 unless state 0', async () => {
      const room = await create();
      expect(await s.call('live/startcourse', { token: teacher, roomnum: 99999 })).toEqual(err(10010));
      expect(await s.call('live/startcourse', { token: stu, roomnum: room })).toEqual(err(10101));
      expect(await s.call('live/startcourse', { token: teacher2, roomnum: room })).toEqual(err(10101));
      expect((await course(room)).state).toBe(0);
      await start(room);
      expect(await s.call('live/startcourse', { token: teacher, roomnum: room })).toEqual(err(10102));
      expect(await s.call('live/exitroom', { token: teacher, roomnum: room })).toEqual(OK);
      expect(await s.call('live/startcourse', { token: teacher, roomnum: room })).toEqual(err(10102));
      expect((await imLog(room)).map((m) => m.data.type)).toEqual([1001, 1002]);
    });

    it.each([[undefined], ['10001'], [0], [-5], [1.5], [null], [true], [[10001]], [2 ** 53]])(
      'roomnum %j → 10003 naming roomnum',
      async (roomnum) => {
        const body: Record<string, unknown> = { token: teacher, roomnum };
        if (roomnum === undefined) delete body.roomnum;
        expect(await s.call('live/startcourse', body)).toEqual(err(10003, 'roomnum'));
      },
    );

    it('IM failure → 10103 and nothing changes', async () => {
      const room = await create();
      const before = { course: await course(room), events: await events(room) };
      ctx.im.failing = true;
      try {
        expect(await s.call('live/startcourse', { token: teacher, roomnum: room })).toEqual(err(10103));
      } finally {
        ctx.im.failing = false;
      }
      expect(await course(room)).toEqual(before.course);
      expect(await events(room)).toEqual(before.events);
      expect(await member(room, 'teacher1')).toBeUndefined();
      expect(await imLog(room)).toEqual([]);
      // It can still be started once IM is back.
      await start(room);
    });
  });

  describe('live/exitroom', () => {
    it('ends: IM 1002 → end_imseq; every member exited; state 2; end_time; queued for indexing', async () => {
      const room = await create();
      await start(room);
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 })).toEqual(OK);
      expect(await s.call('live/reportmemid', { token: stu2, roomnum: room, operate: 0 })).toEqual(OK);
      ctx.clock.advance(60);
      const r = await s.raw('live', 'exitroom', {
        appid: ctx.env.SDKAPPID,
        timeStamp: 1700000999,
        token: teacher,
        roomnum: room,
      });
      expect(r.json).toEqual(OK);
      const im = await imLog(room);
      expect(im.map((m) => m.data.type)).toEqual([1001, 1003, 1003, 1002]);
      expect(im[3]!.data).toEqual({
        type: 1002,
        seq: expect.any(Number),
        timestamp: 1700000999,
        value: { uid: 'teacher1' },
      });
      const now = ctx.clock.nowS();
      expect(await course(room)).toMatchObject({
        state: 2,
        endTime: now,
        endImseq: im[3]!.seq,
        indexStatus: 'pending',
        indexDueAt: now + ctx.env.REPLAY_INDEX_DELAY_S,
      });
      for (const uid of ['teacher1', 'stu1', 'stu2']) expect((await member(room, uid))!.exitedAt, uid).toBe(now);
      expect((await s.call('live/roomidlist', { token: stu, roomnum: room, index: 0, size: 50 })).data).toEqual({
        total: 0,
        idlist: [],
      });
    });

    it('10010 / 10101 / 10102 (state 0 and state 2) / 10003 roomnum', async () => {
      const room = await create();
      expect(await s.call('live/exitroom', { token: teacher, roomnum: 99999 })).toEqual(err(10010));
      expect(await s.call('live/exitroom', { token: teacher, roomnum: room })).toEqual(err(10102));
      await start(room);
      expect(await s.call('live/exitroom', { token: stu, roomnum: room })).toEqual(err(10101));
      expect(await s.call('live/exitroom', { token: teacher2, roomnum: room })).toEqual(err(10101));
      expect((await course(room)).state).toBe(1);
      for (const bad of [0, -1, String(room), 1.5, null]) {
        expect(await s.call('live/exitroom', { token: teacher, roomnum: bad }), String(bad)).toEqual(
          err(10003, 'roomnum'),
        );
      }
      expect(await s.call('live/exitroom', { token: teacher, roomnum: room })).toEqual(OK);
      expect(await s.call('live/exitroom', { token: teacher, roomnum: room })).toEqual(err(10102));
    });

    it('IM failure → 10103 and nothing changes (still live, members still in)', async () => {
      const room = await create();
      await start(room);
      await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 });
      const before = { course: await course(room), events: await events(room), im: await imLog(room) };
      ctx.im.failing = true;
      try {
        expect(await s.call('live/exitroom', { token: teacher, roomnum: room })).toEqual(err(10103));
      } finally {
        ctx.im.failing = false;
      }
      expect(await course(room)).toEqual(before.course);
      expect(await events(room)).toEqual(before.events);
      expect(await imLog(room)).toEqual(before.im);
      expect((await member(room, 'stu1'))!.exitedAt).toBeNull();
    });
  });

  describe('live/heartbeat', () => {
    it('refreshes the caller’s member heartbeat; the host’s also refreshes the course; int or numeric string', async () => {
      const room = await create();
      await start(room);
      await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 });
      const t1 = ctx.clock.nowS();
      ctx.clock.advance(30);
      expect(await s.call('live/heartbeat', { token: stu, roomnum: String(room) })).toEqual(OK);
      expect((await member(room, 'stu1'))!.lastHeartbeat).toBe(t1 + 30);
      expect((await course(room)).lastHeartbeat).toBe(t1);
      expect((await member(room, 'teacher1'))!.lastHeartbeat).toBe(t1);
      ctx.clock.advance(30);
      expect(await s.call('live/heartbeat', { token: teacher, roomnum: room })).toEqual(OK);
      expect((await course(room)).lastHeartbeat).toBe(t1 + 60);
      expect((await member(room, 'teacher1'))!.lastHeartbeat).toBe(t1 + 60);
      expect((await member(room, 'stu1'))!.lastHeartbeat).toBe(t1 + 30);
    });

    it('a heartbeat from someone not in the room answers 0 and seats no one', async () => {
      const room = await create();
      await start(room);
      expect(await s.call('live/heartbeat', { token: stu3, roomnum: room })).toEqual(OK);
      expect(await member(room, 'stu3')).toBeUndefined();
    });

    it('10010 for an unknown course; 10003 for a roomnum that is neither a positive integer nor a numeric string', async () => {
      expect(await s.call('live/heartbeat', { token: stu, roomnum: 99999 })).toEqual(err(10010));
      expect(await s.call('live/heartbeat', { token: stu, roomnum: '99999' })).toEqual(err(10010));
      for (const bad of [
        undefined,
        '',
        'abc',
        '0',
        '-1',
        '1.5',
        ' 10001',
        '10001 ',
        '1e4',
        '0x10',
        '010001',
        0,
        -1,
        1.5,
        null,
        true,
        [10001],
        { n: 1 },
        '9'.repeat(20),
      ]) {
        const body: Record<string, unknown> = { token: stu, roomnum: bad };
        if (bad === undefined) delete body.roomnum;
        expect(await s.call('live/heartbeat', body), JSON.stringify(bad)).toEqual(err(10003, 'roomnum'));
      }
    });
  });

  describe('live/reportmemid', () => {
    it('enter: upsert + heartbeat + IM 1003 {uid}; re-enter allowed; exit; repeated exit fine; back after exit', async () => {
      const room = await create();
      await start(room);
      ctx.clock.advance(5);
      const t = ctx.clock.nowS();
      const r = await s.raw('live', 'reportmemid', {
        appid: ctx.env.SDKAPPID,
        timeStamp: 1700000555,
        token: stu,
        roomnum: String(room),
        operate: 0,
      });
      expect(r.json).toEqual(OK);
      expect(await member(room, 'stu1')).toMatchObject({ role: 0, joinedAt: t, lastHeartbeat: t, exitedAt: null });
      const im = await imLog(room);
      expect(im.at(-1)!.data).toEqual({
        type: 1003,
        seq: expect.any(Number),
        timestamp: 1700000555,
        value: { uid: 'stu1' },
      });
      expect(im.at(-1)!.from).toBe('stu1');
      ctx.clock.advance(5);
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 })).toEqual(OK);
      // Still in the room: the stay goes on (join time kept), heartbeat refreshed.
      expect(await member(room, 'stu1')).toMatchObject({ joinedAt: t, lastHeartbeat: t + 5, exitedAt: null });
      ctx.clock.advance(5);
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 1 })).toEqual(OK);
      expect((await member(room, 'stu1'))!.exitedAt).toBe(t + 10);
      ctx.clock.advance(5);
      expect(await s.call('live/reportmemid', { token: stu, roomnum: String(room), operate: 1 })).toEqual(OK);
      expect((await member(room, 'stu1'))!.exitedAt).toBe(t + 10);
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 })).toEqual(OK);
      expect(await member(room, 'stu1')).toMatchObject({ joinedAt: t + 15, exitedAt: null });
      expect((await events(room)).filter((e) => e.uid === 'stu1').map((e) => [e.kind, e.at])).toEqual([
        ['member_enter', t],
        ['member_exit', t + 10],
        ['member_enter', t + 15],
      ]);
    });

    it('10010 / 10102 (state 0, state 2) / 10107 exit never entered / 10003 operate and roomnum', async () => {
      const room = await create();
      expect(await s.call('live/reportmemid', { token: stu, roomnum: 99999, operate: 0 })).toEqual(err(10010));
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 })).toEqual(err(10102));
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 1 })).toEqual(err(10102));
      await start(room);
      expect(await s.call('live/reportmemid', { token: stu2, roomnum: room, operate: 1 })).toEqual(err(10107));
      expect(await member(room, 'stu2')).toBeUndefined();
      for (const operate of [undefined, 2, -1, '0', 0.5, null, true]) {
        const body: Record<string, unknown> = { token: stu, roomnum: room, operate };
        if (operate === undefined) delete body.operate;
        expect(await s.call('live/reportmemid', body), String(operate)).toEqual(err(10003, 'operate'));
      }
      for (const roomnum of ['x', '0', 0, -3, 2.5, null]) {
        expect(await s.call('live/reportmemid', { token: stu, roomnum, operate: 0 }), String(roomnum)).toEqual(
          err(10003, 'roomnum'),
        );
      }
      await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 });
      await s.call('live/exitroom', { token: teacher, roomnum: room });
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 })).toEqual(err(10102));
    });

    it("a leave racing the teacher's exitroom: a member gets 0 (twice), the end time stays its leave; a non-member 10107", async () => {
      const room = await create();
      await start(room);
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 })).toEqual(OK);
      ctx.clock.advance(7);
      const endAt = ctx.clock.nowS();
      expect(await s.call('live/exitroom', { token: teacher, roomnum: room })).toEqual(OK);
      const before = (await events(room)).length;
      ctx.clock.advance(2);
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 1 })).toEqual(OK);
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 1 })).toEqual(OK);
      expect((await member(room, 'stu1'))!.exitedAt).toBe(endAt);
      expect((await events(room)).length).toBe(before);
      expect(await s.call('live/reportmemid', { token: stu3, roomnum: room, operate: 1 })).toEqual(err(10107));
      expect(await member(room, 'stu3')).toBeUndefined();
    });

    it('enter with IM down → 10103; no membership, no event', async () => {
      const room = await create();
      await start(room);
      const before = await events(room);
      ctx.im.failing = true;
      try {
        expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 })).toEqual(err(10103));
      } finally {
        ctx.im.failing = false;
      }
      expect(await member(room, 'stu1')).toBeUndefined();
      expect(await events(room)).toEqual(before);
    });
  });

  describe('live/roomidlist', () => {
    it("a teacher visiting another teacher's course is a member with role 0 there; only the host has role 1", async () => {
      const room = await create();
      await start(room);
      ctx.clock.advance(1);
      expect(await s.call('live/reportmemid', { token: teacher2, roomnum: room, operate: 0 })).toEqual(OK);
      ctx.clock.advance(1);
      expect(await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 0 })).toEqual(OK);
      const list = await s.call('live/roomidlist', { token: stu, roomnum: room, index: 0, size: 50 });
      expect(list).toEqual({
        ...OK,
        data: {
          total: 3,
          idlist: [
            { id: 'teacher1', role: 1 },
            { id: 'teacher2', role: 0 },
            { id: 'stu1', role: 0 },
          ],
        },
      });
      expect((await events(room)).find((e) => e.kind === 'member_enter' && e.uid === 'teacher2')?.role).toBe(0);
      // Leaving and coming back keeps role 0.
      await s.call('live/reportmemid', { token: teacher2, roomnum: room, operate: 1 });
      await s.call('live/reportmemid', { token: teacher2, roomnum: room, operate: 0 });
      expect((await member(room, 'teacher2'))?.role).toBe(0);
    });

    it('current members: the teacher first, then by join time; total counts all; paging; exited ones gone', async () => {
      const room = await create();
      await start(room);
      for (const tok of [stu3, stu, stu2]) {
        ctx.clock.advance(1);
        expect(await s.call('live/reportmemid', { token: tok, roomnum: room, operate: 0 })).toEqual(OK);
      }
      // The teacher leaves and comes back after the students: still listed first.
      ctx.clock.advance(1);
      await s.call('live/reportmemid', { token: teacher, roomnum: room, operate: 1 });
      ctx.clock.advance(1);
      await s.call('live/reportmemid', { token: teacher, roomnum: room, operate: 0 });
      const all = await s.call('live/roomidlist', { token: stu, roomnum: room, index: 0, size: 50 });
      expect(all).toEqual({
        ...OK,
        data: {
          total: 4,
          idlist: [
            { id: 'teacher1', role: 1 },
            { id: 'stu3', role: 0 },
            { id: 'stu1', role: 0 },
            { id: 'stu2', role: 0 },
          ],
        },
      });
      expect((await s.call('live/roomidlist', { token: stu, roomnum: String(room), index: 1, size: 2 })).data).toEqual({
        total: 4,
        idlist: [
          { id: 'stu3', role: 0 },
          { id: 'stu1', role: 0 },
        ],
      });
      expect((await s.call('live/roomidlist', { token: stu, roomnum: room, index: 4, size: 2 })).data).toEqual({
        total: 4,
        idlist: [],
      });
      expect((await s.call('live/roomidlist', { token: stu, roomnum: room, index: 0, size: 0 })).data).toEqual({
        total: 4,
        idlist: [],
      });
      await s.call('live/reportmemid', { token: stu, roomnum: room, operate: 1 });
      expect((await s.call('live/roomidlist', { token: teacher2, roomnum: room, index: 0, size: 50 })).data).toEqual({
        total: 3,
        idlist: [
          { id: 'teacher1', role: 1 },
          { id: 'stu3', role: 0 },
          { id: 'stu2', role: 0 },
        ],
      });
    });

    it('a course not started has no members; unknown course → 10010; bad paging → 10003 naming the field', async () => {
      const room = await create();
      expect(await s.call('live/roomidlist', { token: stu, roomnum: room, index: 0, size: 10 })).toEqual({
        ...OK,
        data: { total: 0, idlist: [] },
      });
      expect(await s.call('live/roomidlist', { token: stu, roomnum: 99999, index: 0, size: 10 })).toEqual(err(10010));
      expect(await s.call('live/roomidlist', { token: stu, roomnum: '99999', index: 0, size: 10 })).toEqual(err(10010));
      for (const [field, patch] of [
        ['index', { index: -1 }],
        ['index', { index: 1.5 }],
        ['index', { index: '0' }],
        ['index', { index: undefined }],
        ['size', { size: 51 }],
        ['size', { size: -1 }],
        ['size', { size: '10' }],
        ['size', { size: undefined }],
        ['roomnum', { roomnum: 'abc' }],
        ['roomnum', { roomnum: 0 }],
      ] as const) {
        const body: Record<string, unknown> = Object.assign({ token: stu, roomnum: room, index: 0, size: 10 }, patch);
        for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
        expect(await s.call('live/roomidlist', body), JSON.stringify(patch)).toEqual(err(10003, field));
      }
    });
  });

  it('roomnum as a numeric string is refused (10003) by every command but heartbeat, reportmemid and roomidlist', async () => {
    const room = await create();
    const file = { type: 0, file_name: 'a.pdf', url: 'http://x/a.pdf' };
    const cases: [string, Record<string, unknown>][] = [
      ['live/startcourse', { token: teacher }],
      ['live/exitroom', { token: teacher }],
      ['live/roomlist', { token: teacher, index: 0, size: 10 }],
      ['live/reportbind', { token: teacher, operate: 0, bind_file: file }],
      ['live/querybind', { token: teacher, index: 0, size: 10 }],
    ];
    for (const [svcCmd, body] of cases) {
      expect(await s.call(svcCmd, { ...body, roomnum: String(room) }), svcCmd).toEqual(err(10003, 'roomnum'));
    }
    expect((await course(room)).state).toBe(0);
  });
});
