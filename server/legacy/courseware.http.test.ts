/**
 * live/reportbind and live/querybind over real HTTP: the teacher's library (no roomnum / 0) versus a course, who may
 * bind where (10010 / 10101 / 10102), 10104 / 10105, newest-first listing readable by any logged-in user, time
 * filters, paging, and 10003 for malformed bind_file fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, err, OK, signUp, startCourse } from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { rawRows } from '../../db/dialect';
import { sql } from 'drizzle-orm';

type Files = { total: number; bind_files: { type: number; file_name: string; url: string }[] };
const file = (n: number, type: 0 | 1 = 0) => ({ type, file_name: `file${n}.pdf`, url: `http://cdn.example/f${n}` });

describe('courseware binding over HTTP', () => {
  const ctx = createTestCtx();
  let s: LegacyTestServer;
  let teacher: string;
  let teacher2: string;
  let stu: string;
  let room: number;
  const bind = (body: Record<string, unknown>, tok = teacher) =>
    s.call('live/reportbind', { token: tok, operate: 0, ...body });
  const unbind = (body: Record<string, unknown>, tok = teacher) =>
    s.call('live/reportbind', { token: tok, operate: 1, ...body });
  const query = (body: Record<string, unknown>, tok = teacher) =>
    s.call<Files>('live/querybind', { token: tok, index: 0, size: 50, ...body });

  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    teacher = await signUp(s, 'teacher1', 1);
    teacher2 = await signUp(s, 'teacher2', 1);
    stu = await signUp(s, 'stu1', 0);
    room = await createCourse(s, teacher, 'c');
  });
  afterAll(() => s.close());

  it("a URL of this server's /storage/ is stored as its key and answered at the request's host; others as sent", async () => {
    const t3 = await signUp(s, 'teacher3', 1);
    const ours = `${s.url}/storage/uploads/teacher3/notes%20v1.pdf`;
    const external = 'https://files.example/storage/uploads/teacher3/x.pdf';
    expect(await bind({ bind_file: { type: 0, file_name: 'notes.pdf', url: ours } }, t3)).toEqual(OK);
    expect(await bind({ bind_file: { type: 0, file_name: 'x.pdf', url: external } }, t3)).toEqual(OK);
    const rows = await rawRows(ctx.db, sql`SELECT url FROM bound_files WHERE owner_uid = 'teacher3' ORDER BY id`);
    expect(rows).toEqual([{ url: 'storage:uploads/teacher3/notes v1.pdf' }, { url: external }]);
    const listed = (await query({}, t3)).data!.bind_files.map((f) => f.url).sort();
    expect(listed).toEqual([ours, external].sort());
    // The same object bound again through another spelling of our URL is the same file.
    expect(
      await bind({ bind_file: { type: 0, file_name: 'again.pdf', url: 'storage:uploads/teacher3/notes v1.pdf' } }, t3),
    ).toEqual(err(10104));
    expect(await unbind({ bind_file: { type: 0, file_name: 'notes.pdf', url: ours } }, t3)).toEqual(OK);
    expect(await bind({ bind_file: { type: 0, file_name: 'bad.pdf', url: 'storage:../x' } }, t3)).toEqual(
      err(10003, 'key'),
    );
    // A cover (live/create) follows the same rule.
    const covered = await createCourse(s, t3, 'covered', { cover: `${s.url}/storage/uploads/teacher3/c.png` });
    expect((await rawRows(ctx.db, sql`SELECT cover FROM courses WHERE roomnum = ${covered}`))[0]).toEqual({
      cover: 'storage:uploads/teacher3/c.png',
    });
    const rooms = (
      await s.call<{ rooms: { cover: string }[] }>('live/roomlist', { token: t3, index: 0, size: 1, roomnum: covered })
    ).data!.rooms;
    expect(rooms[0]!.cover).toBe(`${s.url}/storage/uploads/teacher3/c.png`);
  });

  it('binds to the library without roomnum or with roomnum 0; the library is the caller’s own', async () => {
    ctx.clock.set(T0 + 10);
    expect(await bind({ bind_file: file(1) })).toEqual(OK);
    ctx.clock.set(T0 + 20);
    expect(await bind({ roomnum: 0, bind_file: file(2, 1) })).toEqual(OK);
    expect(await query({})).toEqual({
      ...OK,
      data: {
        total: 2,
        bind_files: [
          { type: 1, file_name: 'file2.pdf', url: 'http://cdn.example/f2' },
          { type: 0, file_name: 'file1.pdf', url: 'http://cdn.example/f1' },
        ],
      },
    });
    expect((await query({ roomnum: 0 })).data!.total).toBe(2);
    // Another teacher's library is separate; a student's is empty.
    expect(await query({}, teacher2)).toEqual({ ...OK, data: { total: 0, bind_files: [] } });
    expect(await query({}, stu)).toEqual({ ...OK, data: { total: 0, bind_files: [] } });
    expect(await bind({ bind_file: file(1) }, teacher2)).toEqual(OK);
  });

  it('library: same url twice → 10104; unbind → 0; unbinding again → 10105; students have no library → 10101', async () => {
    expect(await bind({ bind_file: { ...file(1), file_name: 'renamed.pdf' } })).toEqual(err(10104));
    expect(await unbind({ bind_file: file(1) })).toEqual(OK);
    expect(await unbind({ bind_file: file(1) })).toEqual(err(10105));
    expect(await bind({ bind_file: file(9) }, stu)).toEqual(err(10101));
    expect((await query({})).data!.bind_files.map((f) => f.url)).toEqual(['http://cdn.example/f2']);
    // teacher2's copy of the same url was untouched.
    expect((await query({}, teacher2)).data!.total).toBe(1);
  });

  it('binds to a course (state 0 and 1), separately from the library; a student can read the course’s files', async () => {
    ctx.clock.set(T0 + 100);
    expect(await bind({ roomnum: room, bind_file: file(2) })).toEqual(OK); // same url as in the library: a different place
    ctx.clock.set(T0 + 200);
    await startCourse(s, teacher, room);
    expect(await bind({ roomnum: room, bind_file: file(3, 1) })).toEqual(OK);
    ctx.clock.set(T0 + 300);
    expect(await bind({ roomnum: room, bind_file: file(4) })).toEqual(OK);
    const expected = {
      ...OK,
      data: {
        total: 3,
        bind_files: [
          { type: 0, file_name: 'file4.pdf', url: 'http://cdn.example/f4' },
          { type: 1, file_name: 'file3.pdf', url: 'http://cdn.example/f3' },
          { type: 0, file_name: 'file2.pdf', url: 'http://cdn.example/f2' },
        ],
      },
    };
    expect(await query({ roomnum: room }, stu)).toEqual(expected);
    expect(await query({ roomnum: room }, teacher2)).toEqual(expected);
    expect((await query({})).data!.total).toBe(1);
  });

  it('course binding: 10010 unknown course; 10101 not its teacher; 10104 / 10105', async () => {
    expect(await bind({ roomnum: 99999, bind_file: file(5) })).toEqual(err(10010));
    expect(await bind({ roomnum: room, bind_file: file(5) }, teacher2)).toEqual(err(10101));
    expect(await bind({ roomnum: room, bind_file: file(5) }, stu)).toEqual(err(10101));
    expect(await unbind({ roomnum: room, bind_file: file(4) }, teacher2)).toEqual(err(10101));
    expect(await bind({ roomnum: room, bind_file: file(4) })).toEqual(err(10104));
    expect(await unbind({ roomnum: room, bind_file: file(5) })).toEqual(err(10105));
    expect(await unbind({ roomnum: room, bind_file: file(4) })).toEqual(OK);
    expect(await bind({ roomnum: room, bind_file: file(4) })).toEqual(OK);
    expect(await query({ roomnum: 99999 }, stu)).toEqual(err(10010));
  });

  it('querybind: time filters on the bind time (inclusive), from after to → 10003, paging with total', async () => {
    expect(
      (await query({ roomnum: room, from_time: T0 + 200, to_time: T0 + 300 })).data!.bind_files.map((f) => f.file_name),
    ).toEqual(['file4.pdf', 'file3.pdf']);
    expect((await query({ roomnum: room, to_time: T0 + 100 })).data).toEqual({
      total: 1,
      bind_files: [{ type: 0, file_name: 'file2.pdf', url: 'http://cdn.example/f2' }],
    });
    expect((await query({ roomnum: room, from_time: T0 + 301 })).data).toEqual({ total: 0, bind_files: [] });
    expect(await query({ roomnum: room, from_time: 5, to_time: 4 })).toEqual(err(10003, 'from_time'));
    const p = await query({ roomnum: room, index: 1, size: 1 });
    expect(p.data!.total).toBe(3);
    expect(p.data!.bind_files.map((f) => f.file_name)).toEqual(['file3.pdf']);
    expect((await query({ roomnum: room, index: 3, size: 1 })).data).toEqual({ total: 3, bind_files: [] });
    expect((await query({ roomnum: room, index: 0, size: 0 })).data).toEqual({ total: 3, bind_files: [] });
  });

  it('an ended course refuses binding and unbinding (10102) but its files stay readable', async () => {
    expect(await s.call('live/exitroom', { token: teacher, roomnum: room })).toEqual(OK);
    expect(await bind({ roomnum: room, bind_file: file(6) })).toEqual(err(10102));
    expect(await unbind({ roomnum: room, bind_file: file(4) })).toEqual(err(10102));
    expect((await query({ roomnum: room }, stu)).data!.total).toBe(3);
  });

  it.each([
    ['operate', { operate: 2, bind_file: file(1) }],
    ['operate', { operate: '0', bind_file: file(1) }],
    ['operate', { bind_file: file(1) }],
    ['bind_file', { operate: 0 }],
    ['bind_file', { operate: 0, bind_file: 'http://x' }],
    ['bind_file', { operate: 0, bind_file: [file(1)] }],
    ['type', { operate: 0, bind_file: { ...file(1), type: 2 } }],
    ['type', { operate: 0, bind_file: { file_name: 'a', url: 'u' } }],
    ['file_name', { operate: 0, bind_file: { ...file(1), file_name: '' } }],
    ['file_name', { operate: 0, bind_file: { type: 0, url: 'u' } }],
    ['file_name', { operate: 0, bind_file: { ...file(1), file_name: 'n'.repeat(257) } }],
    ['url', { operate: 0, bind_file: { ...file(1), url: '' } }],
    ['url', { operate: 0, bind_file: { ...file(1), url: 5 } }],
    ['url', { operate: 0, bind_file: { ...file(1), url: 'u'.repeat(2049) } }],
    ['roomnum', { operate: 0, roomnum: -1, bind_file: file(1) }],
    ['roomnum', { operate: 0, roomnum: 1.5, bind_file: file(1) }],
    ['roomnum', { operate: 0, roomnum: null, bind_file: file(1) }],
  ])('reportbind: bad %s → 10003 naming it: %j', async (field, body) => {
    expect(await s.call('live/reportbind', { token: teacher, ...body })).toEqual(err(10003, field));
  });

  it.each([
    ['index', { index: -1 }],
    ['size', { size: 51 }],
    ['roomnum', { roomnum: -1 }],
    ['from_time', { from_time: 'yesterday' }],
    ['to_time', { to_time: -5 }],
  ])('querybind: bad %s → 10003 naming it: %j', async (field, patch) => {
    expect(await query(patch)).toEqual(err(10003, field));
  });
});
