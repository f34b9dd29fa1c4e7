/**
 * Several `npm start` processes on one database, behind a round-robin client (what a load balancer does): the
 * legacy protocol over real HTTP against three real server processes (server/testing/instances.ts). Proves that
 * instances share everything through the database and nothing through memory:
 *  - a lesson whose every step goes to another instance, with the cached roomlist exact on every instance right
 *    after each change (the cache is keyed by the database's data version, not by anything in-process);
 *  - the playback index of an ended course is built once though three schedulers race for it every second;
 *  - 200 concurrent creates spread over the three get 200 distinct room numbers;
 *  - one instance killed with SIGKILL under a load of creates and enters loses no acknowledged write;
 *  - (second group, short silence limit) the sweeper ends a silent course exactly once (one end event, one IM 1002)
 *    while a course whose teacher beats on rotating instances stays live.
 * Engine: SQLite temp file by default, PostgreSQL with TEST_ENGINE=pg (db/testing/fresh-database.ts).
 * No fixed sleeps: every wait polls with a deadline.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from '../../db/testing/fresh-database';
import { startInstances, type InstanceGroup } from '../testing/instances';
import { recordingCallback } from '../testing/playback-fixtures';
import { RoundRobinClient, type Reply } from '../testing/round-robin-client';
import { tempDir } from '../../db/testing/test-db';

const APPID = 1400000000;
const PWD = 'cHdk';
const CALLBACK_KEY = 'multi-instance-callback-key';
const OK = { errorCode: 0, errorInfo: '' };

interface Room {
  roomnum: number;
  state: number;
  memsize: number;
  title: string;
  host_uid: string;
  begin_imseq: number;
  end_imseq: number;
  playback_idx_url: string;
}
type RoomList = { total: number; rooms: Room[] };

/** Polls `probe` until it returns a value (not undefined) or `ms` pass; the value. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ok<T>(r: Reply<T>, what: string): T {
  expect(r.errorCode, `${what} on instance ${r.instance}: ${r.errorInfo}`).toBe(0);
  return r.data as T;
}

/** Registers and logs in `id` (the two steps on two instances); the token. */
async function signUp(c: RoundRobinClient, id: string, role: 0 | 1): Promise<string> {
  ok(await c.call('account/regist', { id, pwd: PWD, role }), `regist ${id}`);
  return ok(await c.call<{ token: string }>('account/login', { id, pwd: PWD }), `login ${id}`).token;
}

/** Every room of `host` through `instance`, paging the roomlist (50 a page). */
async function roomsOf(c: RoundRobinClient, token: string, host: string, instance: number): Promise<Room[]> {
  const out: Room[] = [];
  for (let index = 0; ; index += 50) {
    const page = ok(
      await c.call<RoomList>('live/roomlist', { token, host_uid: host, index, size: 50 }, instance),
      'roomlist',
    );
    out.push(...page.rooms);
    if (page.rooms.length < 50) {
      expect(out).toHaveLength(page.total);
      return out;
    }
  }
}

/** A group of instances on a fresh database, with its logs printed when a test of the group fails. */
function useGroup(env: Record<string, string>) {
  const g = {} as { dir?: string; db: FreshDatabase; group: InstanceGroup; c: RoundRobinClient };
  beforeAll(async () => {
    // Made here, not at collection: a group whose tests are all filtered out never runs its hooks.
    const dir = (g.dir = tempDir('edu-multi-'));
    g.db = await freshDatabase(dir);
    g.group = await startInstances({
      count: 3,
      databaseUrl: g.db.url,
      dir,
      env: { SDKAPPID: String(APPID), IM_PROVIDER: 'local', LIVE_CALLBACK_KEY: CALLBACK_KEY, ...env },
    });
    g.c = new RoundRobinClient(g.group.urls, APPID);
  });
  afterEach(({ task }) => {
    if (task.result?.state === 'fail' && g.group) console.error(g.group.logs());
  });
  afterAll(async () => {
    await g.group?.stop();
    await g.db?.drop();
    if (g.dir) fs.rmSync(g.dir, { recursive: true, force: true });
  });
  return g;
}

describe('three instances on one database', () => {
  // Jobs every second on every instance, indexes due at once: three schedulers race for every ended course.
  const g = useGroup({ SWEEP_INTERVAL_S: '1', REPLAY_INDEX_DELAY_S: '0' });
  let teacher: string;
  let stu1: string;
  let stu2: string;

  beforeAll(async () => {
    [teacher, stu1, stu2] = await Promise.all([
      signUp(g.c, 'mi_teacher', 1),
      signUp(g.c, 'mi_stu1', 0),
      signUp(g.c, 'mi_stu2', 0),
    ]);
  });

  /** The course as the roomlist of every instance shows it: all three must agree and match `expected`. */
  async function seenEverywhere(roomnum: number, expected: Partial<Room> | null): Promise<void> {
    for (let i = 0; i < g.c.size; i++) {
      const list = ok(await g.c.call<RoomList>('live/roomlist', { token: teacher, index: 0, size: 50 }, i), 'roomlist');
      const room = list.rooms.find((r) => r.roomnum === roomnum);
      if (expected === null) expect(room, `instance ${i}`).toBeUndefined();
      else expect(room, `instance ${i}`).toMatchObject(expected);
    }
  }

  it('a lesson whose every step goes to another instance; the cached roomlist is exact everywhere after each change', async () => {
    const { c } = g;
    const before = ok(await c.call<RoomList>('live/roomlist', { token: teacher, index: 0, size: 50 }, 0), 'roomlist');
    const created = ok(
      await c.call<{ roomnum: number }>('live/create', { token: teacher, title: 'Across' }, 0),
      'create',
    );
    const room = created.roomnum;
    expect(before.rooms.some((r) => r.roomnum === room)).toBe(false);
    await seenEverywhere(room, { state: 0, memsize: 0, title: 'Across', host_uid: 'mi_teacher' });

    expect(await c.call('live/startcourse', { token: teacher, roomnum: room }, 1)).toEqual({ ...OK, instance: 1 });
    await seenEverywhere(room, { state: 1, memsize: 1 });

    expect(await c.call('live/reportmemid', { token: stu1, roomnum: room, operate: 0 }, 2)).toMatchObject(OK);
    await seenEverywhere(room, { state: 1, memsize: 2 });
    expect(await c.call('live/reportmemid', { token: stu2, roomnum: String(room), operate: 0 }, 0)).toMatchObject(OK);
    await seenEverywhere(room, { state: 1, memsize: 3 });

    // Heartbeats on other instances than the enters: accepted, and they change nothing the list shows.
    expect(await c.call('live/heartbeat', { token: stu1, roomnum: room }, 1)).toMatchObject(OK);
    expect(await c.call('live/heartbeat', { token: teacher, roomnum: String(room) }, 2)).toMatchObject(OK);
    await seenEverywhere(room, { state: 1, memsize: 3 });
    const ids = ok(
      await c.call<{ total: number; idlist: { id: string; role: number }[] }>(
        'live/roomidlist',
        { token: stu2, roomnum: room, index: 0, size: 50 },
        0,
      ),
      'roomidlist',
    );
    expect(ids.idlist.map((m) => m.id).sort()).toEqual(['mi_stu1', 'mi_stu2', 'mi_teacher']);

    expect(await c.call('live/reportmemid', { token: stu1, roomnum: room, operate: 1 }, 2)).toMatchObject(OK);
    await seenEverywhere(room, { state: 1, memsize: 2 });

    expect(await c.call('live/exitroom', { token: teacher, roomnum: room }, 0)).toMatchObject(OK);
    await seenEverywhere(room, { state: 2 });
    // Ending twice is refused on any instance: the end happened once.
    expect(await c.call('live/exitroom', { token: teacher, roomnum: room }, 1)).toMatchObject({ errorCode: 10102 });
  });

  it('the playback indexes of courses ended together are built exactly once each while three schedulers race', async () => {
    const { c, group, db } = g;
    // Many courses due at once: while one scheduler works through its batch, the others' ticks find the same
    // courses due, so only the conditional claim keeps a course from being built twice.
    const roomnums: number[] = [];
    for (let n = 0; n < 12; n++) {
      const room = ok(
        await c.call<{ roomnum: number }>('live/create', { token: teacher, title: `Indexed ${n}` }),
        'create',
      );
      ok(await c.call('live/startcourse', { token: teacher, roomnum: room.roomnum }), 'start');
      // Tencent's recording callback, signed, arrives at whichever instance the balancer picks.
      const t = Math.floor(Date.now() / 1000) + 600 + n;
      const sign = createHash('md5')
        .update(CALLBACK_KEY + t)
        .digest('hex');
      const cb = recordingCallback(room.roomnum, 'mi_teacher', { file_id: `f${room.roomnum}` });
      expect(await c.post(c.nextInstance(), 'live/recendcall', { ...cb, t, sign })).toEqual({ code: 0 });
      roomnums.push(room.roomnum);
    }
    ok(await c.call('live/reportmemid', { token: stu2, roomnum: roomnums[0], operate: 0 }), 'enter');
    const ends = await Promise.all(roomnums.map((roomnum) => c.call('live/exitroom', { token: teacher, roomnum })));
    for (const r of ends) ok(r, 'end');

    const ready = await until('the playback indexes', 30_000, async () => {
      const list = ok(
        await c.call<RoomList>('live/roomlist', { token: teacher, host_uid: 'mi_teacher', index: 0, size: 50 }),
        'roomlist',
      );
      const rooms = list.rooms.filter((r) => roomnums.includes(r.roomnum));
      return rooms.every((r) => r.state === 3) ? rooms : undefined;
    });
    expect(ready).toHaveLength(roomnums.length);
    // Every instance shows the same ready index (URLs are built on the asking host), and any instance serves it.
    const first = ready.find((r) => r.roomnum === roomnums[0])!;
    const key = new URL(first.playback_idx_url).pathname;
    for (let i = 0; i < c.size; i++) {
      const list = ok(
        await c.call<RoomList>('live/roomlist', { token: teacher, roomnum: first.roomnum, index: 0, size: 1 }, i),
        'roomlist',
      );
      expect(new URL(list.rooms[0]!.playback_idx_url).pathname).toBe(key);
    }
    const res = await fetch(`${group.urls[2]}${key}`);
    expect(res.status).toBe(200);
    const index = (await res.json()) as { recordings: unknown[]; course: { roomnum: number } };
    expect(index.course.roomnum).toBe(first.roomnum);
    expect(index.recordings).toHaveLength(1);

    // Each built once: one claim in the database, one "ready" log line across all three instances.
    const logs = group.logRecords().filter((l) => l.msg === 'playback index ready');
    for (const roomnum of roomnums) {
      expect(await db.scalar('SELECT index_attempts FROM courses WHERE roomnum = ?', [roomnum]), `${roomnum}`).toBe(1);
      expect(
        logs.filter((l) => l.roomnum === roomnum),
        `${roomnum}`,
      ).toHaveLength(1);
    }
  });

  it('200 concurrent creates spread over the three get 200 distinct room numbers', async () => {
    const { c } = g;
    const host = 'mi_creator';
    const token = await signUp(c, host, 1);
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, n) => c.call<{ roomnum: number }>('live/create', { token, title: `c${n}` })),
    );
    for (const r of replies) expect(r, `instance ${r.instance}`).toMatchObject({ errorCode: 0 });
    const perInstance = [0, 1, 2].map((i) => replies.filter((r) => r.instance === i).length);
    expect(perInstance.every((n) => n >= 60)).toBe(true);
    const nums = replies.map((r) => r.data!.roomnum);
    expect(new Set(nums).size).toBe(200);
    expect(Math.min(...nums)).toBeGreaterThanOrEqual(10001);
    // Every instance lists the same 200 (through its cache).
    for (let i = 0; i < c.size; i++) {
      const rooms = await roomsOf(c, token, host, i);
      expect(rooms.map((r) => r.roomnum).sort((a, b) => a - b)).toEqual([...nums].sort((a, b) => a - b));
    }
  });

  it('SIGKILL of one instance under load: every acknowledged create and enter is in the database', async () => {
    const { c, group } = g;
    const host = 'mi_kill_teacher';
    const token = await signUp(c, host, 1);
    const students = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(c, `mi_kill_stu${i}`, 0)));
    const rooms: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = ok(await c.call<{ roomnum: number }>('live/create', { token, title: `live${i}` }), 'create');
      ok(await c.call('live/startcourse', { token, roomnum: r.roomnum }), 'start');
      rooms.push(r.roomnum);
    }

    type Op = { kind: 'create'; title: string } | { kind: 'enter'; student: number; roomnum: number };
    const ops: Op[] = [];
    for (let n = 0; n < 90; n++) {
      ops.push({ kind: 'create', title: `k${n}` });
      if (n % 5 === 0) {
        const e = ops.length;
        ops.push({ kind: 'enter', student: e % students.length, roomnum: rooms[e % rooms.length]! });
      }
    }
    const VICTIM = 1;
    const created = new Map<string, number>(); // acknowledged creates: title → roomnum
    const entered = new Set<string>(); // acknowledged enters: `${roomnum}:${student}`
    const ackedByVictim: Op[] = [];
    const failures: string[] = [];
    let acked = 0;
    // Typed by its initializer: assigned inside a worker, so control flow must not narrow it to null here.
    let killed = null as Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null;
    let next = 0;
    const worker = async () => {
      while (next < ops.length) {
        const op = ops[next++]!;
        const instance = c.nextInstance();
        try {
          const r =
            op.kind === 'create'
              ? await c.call<{ roomnum: number }>('live/create', { token, title: op.title }, instance)
              : await c.call(
                  'live/reportmemid',
                  { token: students[op.student], roomnum: op.roomnum, operate: 0 },
                  instance,
                );
          if (r.errorCode !== 0) {
            failures.push(`${op.kind} on ${instance}: ${r.errorCode} ${r.errorInfo}`);
            continue;
          }
          if (op.kind === 'create') created.set(op.title, (r.data as { roomnum: number }).roomnum);
          else entered.add(`${op.roomnum}:${op.student}`);
          if (instance === VICTIM) ackedByVictim.push(op);
          acked += 1;
          // Half-way through, the victim dies with requests in flight; the balancer takes it out.
          if (acked === Math.floor(ops.length / 2) && !killed) {
            killed = group.kill(VICTIM, 'SIGKILL');
            c.markDown(VICTIM);
          }
        } catch (e) {
          // Only calls the dying instance was answering may fail (connection reset / refused).
          if (instance !== VICTIM || !killed) failures.push(`${op.kind} on ${instance}: ${(e as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    expect(failures).toEqual([]);
    expect(killed).not.toBeNull();
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
    expect(group.instances[VICTIM]!.alive()).toBe(false);
    expect(ackedByVictim.length).toBeGreaterThan(5);

    // Read back through the survivors: every acknowledged create, under its title …
    for (const survivor of [0, 2]) {
      const listed = new Map((await roomsOf(c, token, host, survivor)).map((r) => [r.title, r.roomnum]));
      for (const [title, roomnum] of created) expect(listed.get(title), title).toBe(roomnum);
    }
    // … and every acknowledged enter.
    for (const roomnum of rooms) {
      const ids = ok(
        await c.call<{ idlist: { id: string }[] }>('live/roomidlist', { token, roomnum, index: 0, size: 50 }, 2),
        'roomidlist',
      );
      const inRoom = new Set(ids.idlist.map((m) => m.id));
      for (const key of entered) {
        const [r, s] = key.split(':').map(Number);
        if (r === roomnum) expect(inRoom.has(`mi_kill_stu${s}`), key).toBe(true);
      }
    }
    // The survivors keep serving writes.
    for (const survivor of [0, 2])
      ok(await c.call('live/create', { token, title: `after${survivor}` }, survivor), 'create after the kill');
  });
});

describe('the sweeper with three instances', () => {
  // A course is dead after 4 s without its teacher's heartbeat; every instance sweeps every second.
  const g = useGroup({ SWEEP_INTERVAL_S: '1', COURSE_DEAD_S: '4' });

  it('ends a silent course exactly once (one end event, one IM 1002) while a beating course stays live', async () => {
    const { c, group, db } = g;
    const [quiet, busy] = await Promise.all([signUp(c, 'sw_quiet', 1), signUp(c, 'sw_busy', 1)]);
    const silent = ok(await c.call<{ roomnum: number }>('live/create', { token: quiet, title: 'silent' }), 'create');
    const alive = ok(await c.call<{ roomnum: number }>('live/create', { token: busy, title: 'beating' }), 'create');
    ok(await c.call('live/startcourse', { token: quiet, roomnum: silent.roomnum }), 'start');
    ok(await c.call('live/startcourse', { token: busy, roomnum: alive.roomnum }), 'start');

    // The busy teacher beats every 500 ms, each beat on the next instance, until the silent course is swept.
    let beating = true;
    const beats = (async () => {
      while (beating) {
        ok(await c.call('live/heartbeat', { token: busy, roomnum: alive.roomnum }), 'heartbeat');
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const stateOf = async (roomnum: number, instance?: number) =>
      ok(await c.call<RoomList>('live/roomlist', { token: quiet, roomnum, index: 0, size: 1 }, instance), 'rl')
        .rooms[0]!;
    let ended: Room;
    try {
      ended = await until('the sweeper', 30_000, async () => {
        const r = await stateOf(silent.roomnum);
        return r.state === 2 ? r : undefined;
      });
    } finally {
      beating = false;
      await beats;
    }
    for (let i = 0; i < c.size; i++) {
      expect(await stateOf(silent.roomnum, i), `instance ${i}`).toMatchObject({ state: 2, end_imseq: 2 });
      expect(await stateOf(alive.roomnum, i), `instance ${i}`).toMatchObject({ state: 1 });
    }
    expect(ended.begin_imseq).toBe(1);

    // Exactly once: one ended_by_sweeper event, two IM messages in the group (1001 start, one 1002 end), one
    // instance reporting the course in its sweep.
    const events = (kind: string) =>
      db.scalar('SELECT count(*) FROM course_events WHERE roomnum = ? AND kind = ?', [silent.roomnum, kind]);
    expect(await events('ended_by_sweeper')).toBe(1);
    expect(await events('ended')).toBe(0);
    expect(await db.scalar('SELECT count(*) FROM im_messages WHERE group_id = ?', [String(silent.roomnum)])).toBe(2);
    const sweeps = group
      .logRecords()
      .filter((l) => l.msg === 'sweep' && Array.isArray(l.coursesEnded) && l.coursesEnded.includes(silent.roomnum));
    expect(sweeps).toHaveLength(1);
  });
});
