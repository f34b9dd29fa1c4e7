/**
 * live/roomlist over real HTTP: every field present (0 / "" when unset), newest first by max(create, begin), each
 * filter (roomnum, from/to on that same instant, host_uid incl. unknown → 10005, state), paging, total, memsize,
 * other appids' courses invisible, and 10003 for every malformed parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courses } from '../../db/schema';
import { createCourse, signUp, startCourse } from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { inTransaction } from '../../db/client';

type Room = Record<string, unknown> & { roomnum: number };
type List = { total: number; rooms: Room[] };
const ROOM_FIELDS = [
  'begin_imseq',
  'begin_time',
  'cover',
  'end_imseq',
  'end_time',
  'groupid',
  'host_uid',
  'memsize',
  'playback_idx_url',
  'roomnum',
  'state',
  'title',
];

describe('live/roomlist over HTTP', () => {
  const ctx = createTestCtx();
  let s: LegacyTestServer;
  let teacher: string;
  let teacher2: string;
  let stu: string;
  let stu2: string;
  /** roomnums by name, created in beforeAll at known instants. */
  const R: Record<'a' | 'b' | 'c' | 'd' | 'e', number> = { a: 0, b: 0, c: 0, d: 0, e: 0 };

  const list = async (body: Record<string, unknown>, tok = stu) =>
    s.call<List>('live/roomlist', { token: tok, index: 0, size: 50, ...body });
  const nums = async (body: Record<string, unknown>) => {
    const r = await list(body);
    expect(r.errorCode, r.errorInfo).toBe(0);
    return r.data!.rooms.map((x) => x.roomnum);
  };

  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    teacher = await signUp(s, 'teacher1', 1);
    teacher2 = await signUp(s, 'teacher2', 1);
    stu = await signUp(s, 'stu1', 0);
    stu2 = await signUp(s, 'stu2', 0);
    await signUp(s, 'idle_teacher', 1);
    const create = (title: string, tok = teacher, cover?: string) =>
      createCourse(s, tok, title, cover ? { cover } : {});
    // a @T0 (started @T0+300 → list time T0+300, ended @T0+400), b @T0+100, c @T0+200 by teacher2 (started @T0+250),
    // d @T0+350 (created only), e @T0+500 (created only).
    R.a = await create('a', teacher, 'http://img/a.png');
    ctx.clock.set(T0 + 100);
    R.b = await create('b');
    ctx.clock.set(T0 + 200);
    R.c = await create('c', teacher2);
    ctx.clock.set(T0 + 250);
    await startCourse(s, teacher2, R.c);
    ctx.clock.set(T0 + 260);
    expect((await s.call('live/reportmemid', { token: stu, roomnum: R.c, operate: 0 })).errorCode).toBe(0);
    expect((await s.call('live/reportmemid', { token: stu2, roomnum: R.c, operate: 0 })).errorCode).toBe(0);
    ctx.clock.set(T0 + 300);
    await startCourse(s, teacher, R.a);
    expect((await s.call('live/reportmemid', { token: stu2, roomnum: R.a, operate: 0 })).errorCode).toBe(0);
    ctx.clock.set(T0 + 350);
    R.d = await create('d');
    ctx.clock.set(T0 + 400);
    expect((await s.call('live/exitroom', { token: teacher, roomnum: R.a })).errorCode).toBe(0);
    ctx.clock.set(T0 + 500);
    R.e = await create('e');
    // A course of another appid in the same database: never listed here.
    await inTransaction(ctx.db, async (tx) => {
      await tx.insert(courses).values({
        appid: ctx.env.SDKAPPID + 1,
        hostUid: 'teacher1',
        title: 'foreign',
        createdAt: T0 + 600,
        listTime: T0 + 600,
      });
    });
  });
  afterAll(() => s.close());

  it('lists every course of this appid, newest first by max(create, begin), with every field', async () => {
    const r = await list({});
    expect(r.errorCode).toBe(0);
    expect(r.errorInfo).toBe('');
    expect(r.data!.total).toBe(5);
    expect(r.data!.rooms.map((x) => x.title)).toEqual(['e', 'd', 'a', 'c', 'b']);
    for (const room of r.data!.rooms) expect(Object.keys(room).sort()).toEqual(expect.arrayContaining(ROOM_FIELDS));
    const byTitle = Object.fromEntries(r.data!.rooms.map((x) => [x.title, x]));
    expect(byTitle.e).toEqual({
      host_uid: 'teacher1',
      title: 'e',
      state: 0,
      roomnum: R.e,
      groupid: String(R.e),
      cover: '',
      memsize: 0,
      playback_idx_url: '',
      begin_time: 0,
      begin_imseq: 0,
      end_time: 0,
      end_imseq: 0,
    });
    expect(byTitle.a).toEqual({
      host_uid: 'teacher1',
      title: 'a',
      state: 2,
      roomnum: R.a,
      groupid: String(R.a),
      cover: 'http://img/a.png',
      memsize: 0,
      playback_idx_url: '',
      begin_time: T0 + 300,
      begin_imseq: 1,
      end_time: T0 + 400,
      end_imseq: 3,
    });
    expect(byTitle.c).toEqual({
      host_uid: 'teacher2',
      title: 'c',
      state: 1,
      roomnum: R.c,
      groupid: String(R.c),
      cover: '',
      memsize: 3,
      playback_idx_url: '',
      begin_time: T0 + 250,
      begin_imseq: 1,
      end_time: 0,
      end_imseq: 0,
    });
  });

  it('memsize counts members currently in the room', async () => {
    expect((await list({ roomnum: R.c })).data!.rooms[0]!.memsize).toBe(3);
    expect((await s.call('live/reportmemid', { token: stu2, roomnum: R.c, operate: 1 })).errorCode).toBe(0);
    expect((await list({ roomnum: R.c })).data!.rooms[0]!.memsize).toBe(2);
    expect((await s.call('live/reportmemid', { token: stu2, roomnum: R.c, operate: 0 })).errorCode).toBe(0);
    expect((await list({ roomnum: R.c })).data!.rooms[0]!.memsize).toBe(3);
  });

  it('filters by roomnum (unknown → empty, not an error)', async () => {
    expect(await list({ roomnum: R.b })).toMatchObject({ errorCode: 0, data: { total: 1, rooms: [{ title: 'b' }] } });
    expect(await list({ roomnum: 99999 })).toEqual({ errorCode: 0, errorInfo: '', data: { total: 0, rooms: [] } });
  });

  it('filters from_time / to_time (inclusive) on max(create time, begin_time)', async () => {
    // a was created at T0 but began at T0+300: it is in [T0+300, T0+300] and not in [T0, T0+10].
    expect(await nums({ from_time: T0 + 300, to_time: T0 + 300 })).toEqual([R.a]);
    expect(await nums({ from_time: T0, to_time: T0 + 10 })).toEqual([]);
    expect(await nums({ from_time: T0 + 200, to_time: T0 + 350 })).toEqual([R.d, R.a, R.c]);
    expect(await nums({ from_time: T0 + 201 })).toEqual([R.e, R.d, R.a, R.c]);
    expect(await nums({ to_time: T0 + 249 })).toEqual([R.b]);
    expect(await nums({ to_time: T0 + 250 })).toEqual([R.c, R.b]);
    expect(await nums({ from_time: 5, to_time: 5 })).toEqual([]);
    expect((await list({ from_time: T0 + 200, to_time: T0 + 350 })).data!.total).toBe(3);
  });

  it('from_time after to_time → 10003', async () => {
    expect(await list({ from_time: T0 + 2, to_time: T0 + 1 })).toEqual({
      errorCode: 10003,
      errorInfo: expect.stringContaining('from_time'),
    });
  });

  it('filters by host_uid; an unknown host_uid → 10005; a host without courses → empty', async () => {
    expect(await nums({ host_uid: 'teacher2' })).toEqual([R.c]);
    expect(await nums({ host_uid: 'teacher1' })).toEqual([R.e, R.d, R.a, R.b]);
    expect(await nums({ host_uid: 'idle_teacher' })).toEqual([]);
    expect(await list({ host_uid: 'nobody' })).toEqual({ errorCode: 10005, errorInfo: expect.any(String) });
  });

  it('filters by state 0–3', async () => {
    expect(await nums({ state: 0 })).toEqual([R.e, R.d, R.b]);
    expect(await nums({ state: 1 })).toEqual([R.c]);
    expect(await nums({ state: 2 })).toEqual([R.a]);
    expect(await nums({ state: 3 })).toEqual([]);
  });

  it('combines filters', async () => {
    expect(await nums({ host_uid: 'teacher1', state: 0, from_time: T0 + 100, to_time: T0 + 350 })).toEqual([R.d, R.b]);
  });

  it('pages with index/size; total counts every match; size 0 gives only the total', async () => {
    const p1 = await list({ index: 0, size: 2 });
    const p2 = await list({ index: 2, size: 2 });
    const p3 = await list({ index: 4, size: 2 });
    expect([p1, p2, p3].map((p) => p.data!.total)).toEqual([5, 5, 5]);
    expect([...p1.data!.rooms, ...p2.data!.rooms, ...p3.data!.rooms].map((x) => x.title)).toEqual([
      'e',
      'd',
      'a',
      'c',
      'b',
    ]);
    expect(await list({ index: 5, size: 2 })).toEqual({ errorCode: 0, errorInfo: '', data: { total: 5, rooms: [] } });
    expect(await list({ index: 0, size: 0 })).toEqual({ errorCode: 0, errorInfo: '', data: { total: 5, rooms: [] } });
    expect((await list({ index: 0, size: 50 })).data!.rooms).toHaveLength(5);
  });

  it('ties on the list instant are broken by newest roomnum first', async () => {
    ctx.clock.set(T0 + 1000);
    const x = await createCourse(s, teacher2, 'x');
    const y = await createCourse(s, teacher2, 'y');
    expect(await nums({ from_time: T0 + 1000 })).toEqual([y, x]);
  });

  it.each([
    ['index', { index: -1 }],
    ['index', { index: 0.5 }],
    ['index', { index: '0' }],
    ['index', { index: null }],
    ['size', { size: 51 }],
    ['size', { size: -1 }],
    ['size', { size: '5' }],
    ['roomnum', { roomnum: 0 }],
    ['roomnum', { roomnum: 'x' }],
    ['from_time', { from_time: -1 }],
    ['from_time', { from_time: '1' }],
    ['to_time', { to_time: 1.5 }],
    ['host_uid', { host_uid: '' }],
    ['host_uid', { host_uid: 'bad id!' }],
    ['host_uid', { host_uid: 7 }],
    ['state', { state: 4 }],
    ['state', { state: -1 }],
    ['state', { state: '1' }],
  ])('bad %s → 10003 naming it: %j', async (field, patch) => {
    expect(await list(patch)).toEqual({ errorCode: 10003, errorInfo: expect.stringContaining(field) });
  });

  it('index and size are required', async () => {
    expect(await s.call('live/roomlist', { token: stu, size: 5 })).toEqual({
      errorCode: 10003,
      errorInfo: expect.stringContaining('index'),
    });
    expect(await s.call('live/roomlist', { token: stu, index: 0 })).toEqual({
      errorCode: 10003,
      errorInfo: expect.stringContaining('size'),
    });
  });
});
