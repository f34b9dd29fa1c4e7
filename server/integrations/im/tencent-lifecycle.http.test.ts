/**
 * The whole classroom lifecycle over real HTTP with IM_PROVIDER=tencent, against the loopback fake IM server: the
 * course's begin_imseq/end_imseq are the MsgSeqs Tencent allocated, every REST call verifies, and when Tencent fails
 * or is unreachable the command answers 10103 and nothing changes.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRows } from '../../../db/dialect';
import { startFakeImServer, type FakeImServer } from '../../testing/fake-im-server';
import { startLegacyTestServer, type LegacyTestServer } from '../../testing/legacy-server';
import { createTestCtx } from '../../testing/test-ctx';
import { verifyUserSig } from '../usersig';

const KEY = 'lifecycle-im-key';
const SDKAPPID = 1400000000;
const ADMIN = 'administrator';
const TS = 123456; // the timeStamp startLegacyTestServer's `call` sends

interface Room {
  state: number;
  begin_time: number;
  begin_imseq: number;
  end_time: number;
  end_imseq: number;
  memsize: number;
}

async function signUp(s: LegacyTestServer, id: string, role: 0 | 1): Promise<{ token: string; userSig: string }> {
  expect((await s.call('account/regist', { id, pwd: 'cHdk', role })).errorCode).toBe(0);
  const l = await s.call<{ token: string; userSig: string }>('account/login', { id, pwd: 'cHdk' });
  expect(l.errorCode).toBe(0);
  return l.data!;
}

async function room(s: LegacyTestServer, token: string, roomnum: number): Promise<Room> {
  const r = await s.call<{ rooms: Room[] }>('live/roomlist', { token, index: 0, size: 1, roomnum });
  expect(r.errorCode).toBe(0);
  return r.data!.rooms[0]!;
}

async function memberIds(s: LegacyTestServer, token: string, roomnum: number): Promise<string[]> {
  const r = await s.call<{ idlist: { id: string }[] }>('live/roomidlist', { token, roomnum, index: 0, size: 50 });
  return r.data!.idlist.map((m) => m.id);
}

function dataOf(msg: { MsgBody: unknown[] }): Record<string, unknown> {
  const el = msg.MsgBody[0] as { MsgContent: { Data: string } };
  return JSON.parse(el.MsgContent.Data) as Record<string, unknown>;
}

describe('lifecycle over HTTP with IM_PROVIDER=tencent', () => {
  let fake: FakeImServer;
  let s: LegacyTestServer;
  let ctx: ReturnType<typeof createTestCtx>;
  beforeAll(async () => {
    fake = await startFakeImServer({ sdkappid: SDKAPPID, admin: ADMIN, key: KEY });
    ctx = createTestCtx({
      IM_PROVIDER: 'tencent',
      IM_SECRET_KEY: KEY,
      IM_API_BASE: fake.url,
      SDKAPPID: String(SDKAPPID),
      IM_ADMIN: ADMIN,
    });
    s = await startLegacyTestServer(ctx);
  });
  afterAll(async () => {
    await s.close();
    await fake.close();
  });

  it('uses Tencent’s MsgSeqs for begin/end_imseq; 10103 and no change when Tencent refuses', async () => {
    expect(ctx.im.name).toBe('tencent');
    const teacher = await signUp(s, 'teacher1', 1);
    const stu1 = await signUp(s, 'stu1', 0);
    const stu2 = await signUp(s, 'stu2', 0);
    // Login UserSigs are signed with IM_SECRET_KEY for the user: the clients log into the same Tencent app.
    expect(
      verifyUserSig(teacher.userSig, {
        key: KEY,
        sdkappid: SDKAPPID,
        identifier: 'teacher1',
        nowS: Math.floor(Date.now() / 1000),
      }),
    ).toBe(true);

    const created = await s.call<{ roomnum: number; groupid: string }>('live/create', {
      token: teacher.token,
      title: 'physics',
    });
    const { roomnum, groupid } = created.data!;
    // Clients chatted in the group before the course started: Tencent's seqs differ from any local numbering.
    for (let i = 0; i < 3; i++) fake.inject(groupid, { from: 'stu1', data: `early ${i}` });

    // Tencent refuses the start: 10103, course untouched.
    fake.fail({ errorCode: 10002, errorInfo: 'internal error', command: 'send_group_msg', times: 1 });
    expect((await s.call('live/startcourse', { token: teacher.token, roomnum })).errorCode).toBe(10103);
    expect(await room(s, teacher.token, roomnum)).toMatchObject({ state: 0, begin_time: 0, begin_imseq: 0 });

    expect((await s.call('live/startcourse', { token: teacher.token, roomnum })).errorCode).toBe(0);
    const msgs = () => fake.groups.get(groupid)!;
    expect(msgs()).toHaveLength(4);
    const started = msgs()[3]!;
    expect(started.From_Account).toBe('teacher1');
    expect(dataOf(started)).toMatchObject({ type: 1001, timestamp: TS, value: { uid: 'teacher1' } });
    expect(await room(s, teacher.token, roomnum)).toMatchObject({ state: 1, begin_imseq: started.MsgSeq });
    expect(started.MsgSeq).toBe(4);

    expect((await s.call('live/reportmemid', { token: stu1.token, roomnum, operate: 0 })).errorCode).toBe(0);
    expect(dataOf(msgs()[4]!)).toMatchObject({ type: 1003, value: { uid: 'stu1' } });

    // Entering needs its 1003 message: refused → 10103 and stu2 is not in the room.
    fake.fail({ errorCode: 10002, command: 'send_group_msg', times: 1 });
    expect(
      (await s.call('live/reportmemid', { token: stu2.token, roomnum: String(roomnum), operate: 0 })).errorCode,
    ).toBe(10103);
    expect(await memberIds(s, teacher.token, roomnum)).toEqual(['teacher1', 'stu1']);

    // Ending needs its 1002 message: a broken gateway → 10103 and the course stays live.
    fake.fail({ http: 502, times: 1 });
    expect((await s.call('live/exitroom', { token: teacher.token, roomnum })).errorCode).toBe(10103);
    expect(await room(s, teacher.token, roomnum)).toMatchObject({ state: 1, end_time: 0, end_imseq: 0, memsize: 2 });

    expect((await s.call('live/exitroom', { token: teacher.token, roomnum })).errorCode).toBe(0);
    const ended = msgs().at(-1)!;
    expect(dataOf(ended)).toMatchObject({ type: 1002, timestamp: TS, value: { uid: 'teacher1' } });
    expect(await room(s, stu1.token, roomnum)).toMatchObject({
      state: 2,
      begin_imseq: 4,
      end_imseq: ended.MsgSeq,
      memsize: 0,
    });
    expect(ended.MsgSeq).toBe(6);

    // Every REST call passed the fake's checks (the forced failures come after them, as a backend fault would).
    const nowS = Math.floor(Date.now() / 1000);
    for (const r of fake.requests) {
      expect(verifyUserSig(r.query.usersig!, { key: KEY, sdkappid: SDKAPPID, identifier: ADMIN, nowS })).toBe(true);
      expect([0, 10002, 502]).toContain(r.errorCode);
    }
    expect(fake.requests.filter((r) => r.errorCode === 0)).toHaveLength(3);

    // Our own log mirrors exactly what Tencent acknowledged from us (not the clients' chat).
    const mirrored = await rawRows(
      ctx.db,
      sql`SELECT msg_seq FROM im_messages WHERE group_id = ${groupid} ORDER BY msg_seq`,
    );
    expect(mirrored).toEqual([{ msg_seq: 4 }, { msg_seq: 5 }, { msg_seq: 6 }]);
    const events = await rawRows<{ kind: string; uid: string }>(
      ctx.db,
      sql`SELECT kind, uid FROM course_events WHERE roomnum = ${roomnum} ORDER BY id`,
    );
    expect(events.filter((e) => e.uid === 'stu2')).toEqual([]);
  });
});

describe('IM_PROVIDER=tencent with Tencent unreachable', () => {
  let s: LegacyTestServer;
  let ctx: ReturnType<typeof createTestCtx>;
  beforeAll(async () => {
    const gone = await startFakeImServer({ sdkappid: SDKAPPID, admin: ADMIN, key: KEY });
    await gone.close(); // its port now refuses connections
    ctx = createTestCtx({ IM_PROVIDER: 'tencent', IM_SECRET_KEY: KEY, IM_API_BASE: gone.url });
    s = await startLegacyTestServer(ctx);
  });
  afterAll(() => s.close());

  it('answers 10103 to startcourse and changes nothing', async () => {
    const teacher = await signUp(s, 'teacher1', 1);
    const { roomnum } = (await s.call<{ roomnum: number }>('live/create', { token: teacher.token, title: 'offline' }))
      .data!;
    const r = await s.call('live/startcourse', { token: teacher.token, roomnum });
    expect(r).toEqual({ errorCode: 10103, errorInfo: expect.any(String) });
    expect(await room(s, teacher.token, roomnum)).toMatchObject({
      state: 0,
      begin_time: 0,
      begin_imseq: 0,
      memsize: 0,
    });
    expect(await memberIds(s, teacher.token, roomnum)).toEqual([]);
    expect(await rawRows(ctx.db, sql`SELECT kind FROM course_events WHERE roomnum = ${roomnum}`)).toEqual([
      { kind: 'created' },
    ]);
    expect(await rawRows(ctx.db, sql`SELECT count(*) AS n FROM im_messages`)).toEqual([{ n: 0 }]);
    // The server keeps answering.
    expect((await s.call('live/heartbeat', { token: teacher.token, roomnum })).errorCode).toBe(0);
  });
});
