/**
 * What only the tencent provider does: every REST call signed and shaped as Tencent requires (checked by the fake,
 * which is itself tested here to refuse what Tencent refuses), every acknowledged message mirrored into our own log,
 * history paged 20 at a time and merged with that log, so an AVChatRoom (no history) still yields our 1001–1004
 * messages with `complete: false` and a note. Failures, timeouts and broken gateways reject.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { closeDb, type Db } from '../../../db/client';
import { rawRows } from '../../../db/dialect';
import { createLogger } from '../../logger';
import { fixedRandom, systemRandom, type Random } from '../../random';
import { startFakeImServer, type FakeImServer } from '../../testing/fake-im-server';
import { createTestDb } from '../../../db/testing/test-db';
import { createUserSigSigner, verifyUserSig, type UserSigSigner } from '../usersig';
import { createMessageLog, type MessageLog } from './message-log';
import { createTencentIm } from './tencent';
import { ImError, type ImProvider } from './types';

const SDKAPPID = 1400000000;
const KEY = 'tencent-test-key';
const ADMIN = 'administrator';

let fake: FakeImServer;
let db: Db;
let log: MessageLog;
let gid = 0;
const newGroup = () => `t${++gid}`;

function provider(
  over: {
    signer?: UserSigSigner;
    admin?: string;
    sdkappid?: number;
    apiBase?: string;
    timeoutMs?: number;
    random?: Random;
  } = {},
): ImProvider {
  return createTencentIm(
    {
      apiBase: over.apiBase ?? fake.url,
      sdkappid: over.sdkappid ?? SDKAPPID,
      admin: over.admin ?? ADMIN,
      signer: over.signer ?? createUserSigSigner(SDKAPPID, KEY, 86400),
      random: over.random ?? systemRandom,
      timeoutMs: over.timeoutMs ?? 1000,
    },
    log,
    createLogger('silent'),
  );
}

const u32 = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 32;

beforeAll(async () => {
  fake = await startFakeImServer({ sdkappid: SDKAPPID, admin: ADMIN, key: KEY });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.requests.length = 0;
  db = createTestDb().db;
  log = createMessageLog(db);
});
afterEach(() => closeDb(db));

describe('tencent provider: requests as Tencent requires them', () => {
  it('signs every call with a fresh admin UserSig and shapes query and body correctly', async () => {
    const im = provider();
    const g = newGroup();
    await im.sendGroupCustom(g, { type: 1001, value: { uid: 'teacher1' } }, { fromAccount: 'teacher1' });
    await im.sendGroupCustom(g, { type: 1003, value: { uid: 'stu1' } });
    for (let i = 0; i < 25; i++) fake.inject(g, { from: 'stu1', data: `chat ${i}` });
    await im.groupMessages(g, 1, 27);

    expect(fake.requests.map((r) => r.command)).toEqual([
      'send_group_msg',
      'send_group_msg',
      'group_msg_get_simple',
      'group_msg_get_simple',
    ]);
    const now = Math.floor(Date.now() / 1000);
    for (const r of fake.requests) {
      expect(r.errorCode).toBe(0);
      expect(r.query).toMatchObject({ sdkappid: String(SDKAPPID), identifier: ADMIN, contenttype: 'json' });
      expect(r.query.random).toMatch(/^\d+$/);
      expect(u32(Number(r.query.random))).toBe(true);
      expect(verifyUserSig(r.query.usersig!, { key: KEY, sdkappid: SDKAPPID, identifier: ADMIN, nowS: now })).toBe(
        true,
      );
    }
    const [first, second] = fake.requests.map((r) => r.body as Record<string, unknown>);
    expect(first).toMatchObject({ GroupId: g, From_Account: 'teacher1' });
    expect(u32(first!.Random)).toBe(true);
    expect(first!.MsgBody).toEqual([
      { MsgType: 'TIMCustomElem', MsgContent: { Data: JSON.stringify({ type: 1001, value: { uid: 'teacher1' } }) } },
    ]);
    expect(second).not.toHaveProperty('From_Account');
    expect(first!.Random).not.toBe(second!.Random);
    // History is read newest first, from the top of the range, then below the smallest seq returned.
    expect(fake.requests.slice(2).map((r) => r.body)).toEqual([
      { GroupId: g, ReqMsgNumber: 20, ReqMsgSeq: 27 },
      { GroupId: g, ReqMsgNumber: 20, ReqMsgSeq: 7 },
    ]);
  });

  it('is refused by the fake with Tencent codes when the credentials are wrong', async () => {
    const groupsBefore = fake.groups.size;
    const cases: [string, ImProvider, number][] = [
      ['wrong key', provider({ signer: createUserSigSigner(SDKAPPID, 'not-the-key', 86400) }), 70009],
      ['sig of another sdkappid', provider({ signer: createUserSigSigner(1400000001, KEY, 86400) }), 70014],
      [
        'wrong sdkappid in the URL',
        provider({ sdkappid: 1400000001, signer: createUserSigSigner(1400000001, KEY, 86400) }),
        60006,
      ],
      ['not the admin', provider({ admin: 'teacher1' }), 60010],
      ['expired sig', provider({ signer: createUserSigSigner(SDKAPPID, KEY, 0) }), 70001],
      ['garbage sig', provider({ signer: { sign: () => 'not-a-sig' } }), 70003],
    ];
    for (const [what, im, code] of cases) {
      const err = await im.sendGroupCustom(newGroup(), { type: 1001 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, what).toBeInstanceOf(ImError);
      expect((err as ImError).errorCode, what).toBe(code);
    }
    expect(fake.groups.size).toBe(groupsBefore);
  });

  it('refuses malformed requests the way Tencent does', async () => {
    const sig = createUserSigSigner(SDKAPPID, KEY, 86400).sign(ADMIN);
    const post = async (query: Record<string, string>, body: unknown) => {
      const qs = new URLSearchParams({
        sdkappid: String(SDKAPPID),
        identifier: ADMIN,
        usersig: sig,
        random: '42',
        contenttype: 'json',
        ...query,
      });
      const res = await fetch(`${fake.url}/v4/group_open_http_svc/send_group_msg?${qs}`, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return (await res.json()) as { ActionStatus: string; ErrorCode: number };
    };
    const elem = [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '{}' } }];
    expect(await post({ random: '4294967296' }, { GroupId: 'x', Random: 1, MsgBody: elem })).toMatchObject({
      ActionStatus: 'FAIL',
      ErrorCode: 10004,
    });
    expect((await post({ contenttype: 'xml' }, { GroupId: 'x', Random: 1, MsgBody: elem })).ErrorCode).toBe(10004);
    expect((await post({}, '{not json')).ErrorCode).toBe(60003);
    expect((await post({}, { Random: 1, MsgBody: elem })).ErrorCode).toBe(10015);
    expect((await post({}, { GroupId: 'x'.repeat(49), Random: 1, MsgBody: elem })).ErrorCode).toBe(10015);
    expect((await post({}, { GroupId: 'x', Random: -1, MsgBody: elem })).ErrorCode).toBe(10004);
    expect((await post({}, { GroupId: 'x', Random: 1, MsgBody: [] })).ErrorCode).toBe(10004);
    expect(
      (await post({}, { GroupId: 'x', Random: 1, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }] }))
        .ErrorCode,
    ).toBe(10004);
    expect(
      (await post({}, { GroupId: 'x', Random: 1, MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: {} } }] }))
        .ErrorCode,
    ).toBe(10004);
    expect(await post({}, { GroupId: 'x', Random: 1, MsgBody: elem })).toMatchObject({
      ActionStatus: 'OK',
      ErrorCode: 0,
      MsgSeq: 1,
    });
  });
});

describe('tencent provider: our own message log', () => {
  it('mirrors every acknowledged message with Tencent’s MsgSeq, time and Random', async () => {
    const im = provider();
    const g = newGroup();
    fake.inject(g, { from: 'stu1', data: 'a client message first' });
    const sent = await im.sendGroupCustom(g, { type: 1001, value: { uid: 't' } }, { fromAccount: 't' });
    expect(sent.msgSeq).toBe(2);
    const stored = fake.groups.get(g)![1]!;
    const mine = await log.range(g, 1, 10);
    expect(mine).toEqual([{ msgSeq: 2, msgTime: stored.MsgTimeStamp, fromAccount: 't', msgBody: stored.MsgBody }]);
    const [row] = await rawRows<{ random: number }>(
      db,
      sql`SELECT random FROM im_messages WHERE group_id = ${g} AND msg_seq = 2`,
    );
    expect(row!.random).toBe(stored.MsgRandom);
  });

  it('draws the query random and the message Random from the injected source', async () => {
    const im = provider({ random: fixedRandom(11, 4_000_000_000) });
    const g = newGroup();
    await im.sendGroupCustom(g, { type: 1001 });
    const req = fake.requests.filter((r) => r.command === 'send_group_msg').at(-1)!;
    expect(req.query.random).toBe('4000000000');
    expect((req.body as { Random: number }).Random).toBe(11);
    expect(fake.groups.get(g)![0]!.MsgRandom).toBe(11);
  });

  it('mirrors nothing when the send fails', async () => {
    const im = provider();
    const g = newGroup();
    fake.fail({ errorCode: 10010, errorInfo: 'group does not exist', command: 'send_group_msg', times: 1 });
    await expect(im.sendGroupCustom(g, { type: 1001 })).rejects.toMatchObject({ errorCode: 10010 });
    expect(await log.range(g, 0, 100)).toEqual([]);
  });

  it('returns messages clients sent through the SDK (history) merged with ours', async () => {
    const im = provider();
    const g = newGroup();
    await im.sendGroupCustom(g, { type: 1001 });
    for (let i = 0; i < 30; i++) fake.inject(g, { from: `stu${i % 3}`, data: JSON.stringify({ chat: i }) });
    await im.sendGroupCustom(g, { type: 1002 });
    const h = await im.groupMessages(g, 1, 32);
    expect(h.complete).toBe(true);
    expect(h.note).toBeUndefined();
    expect(h.messages.map((m) => m.msgSeq)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(h.messages[5]!.fromAccount).toBe('stu1');
    expect(h.messages[5]!.msgBody).toEqual([{ MsgType: 'TIMCustomElem', MsgContent: { Data: '{"chat":4}' } }]);
  });
});

describe('tencent provider: AVChatRoom (no history) and failures', () => {
  for (const mode of ['refused', 'empty'] as const) {
    it(`AVChatRoom (history ${mode}): our own 1001–1004 messages come back, complete=false with a note`, async () => {
      const im = provider();
      const g = newGroup();
      fake.avChatRoom(g, mode);
      const types = [1001, 1003, 1004, 1002];
      for (const type of types) await im.sendGroupCustom(g, { type, value: { uid: 'teacher1' } });
      fake.inject(g, { from: 'stu1', data: 'chat that only Tencent saw' });
      const h = await im.groupMessages(g, 1, 5);
      expect(h.complete).toBe(false);
      expect(h.note).toMatch(/history/i);
      expect(h.messages.map((m) => m.msgSeq)).toEqual([1, 2, 3, 4]);
      expect(
        h.messages.map((m) => (JSON.parse(String(m.msgBody[0]!.MsgContent.Data)) as { type: number }).type),
      ).toEqual(types);
    });
  }

  it('rejects on a Tencent error, naming its code', async () => {
    fake.fail({ errorCode: 10002, errorInfo: 'internal error', times: 1 });
    const err = await provider()
      .sendGroupCustom(newGroup(), { type: 1001 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImError);
    expect((err as ImError).errorCode).toBe(10002);
    expect((err as ImError).message).toContain('10002');
  });

  it('rejects on a non-200 gateway reply', async () => {
    fake.fail({ http: 502, times: 1 });
    await expect(provider().sendGroupCustom(newGroup(), { type: 1001 })).rejects.toThrow(/HTTP 502/);
  });

  it('rejects within its timeout when Tencent hangs', async () => {
    fake.hang();
    const started = Date.now();
    await expect(provider({ timeoutMs: 300 }).sendGroupCustom(newGroup(), { type: 1001 })).rejects.toThrow(ImError);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects when Tencent is unreachable', async () => {
    const down = await startFakeImServer({ sdkappid: SDKAPPID, admin: ADMIN, key: KEY });
    await down.close();
    await expect(provider({ apiBase: down.url }).sendGroupCustom(newGroup(), { type: 1001 })).rejects.toThrow(
      /network error/,
    );
  });

  it('history failing midway keeps what was read, marks it incomplete', async () => {
    const im = provider();
    const g = newGroup();
    await im.sendGroupCustom(g, { type: 1001 });
    for (let i = 0; i < 40; i++) fake.inject(g, { from: 'stu1', data: String(i) });
    // First page (seq 41..22) succeeds, the second call fails.
    fake.fail({ errorCode: 10002, command: 'group_msg_get_simple', after: 1, times: 1 });
    const cut = await im.groupMessages(g, 1, 41);
    expect(cut.complete).toBe(false);
    expect(cut.note).toMatch(/10002/);
    expect(cut.messages.map((m) => m.msgSeq)).toEqual([1, ...Array.from({ length: 20 }, (_, i) => i + 22)]);
    // Failing at once: only our own message, from the mirror.
    fake.fail({ errorCode: 10002, command: 'group_msg_get_simple', times: 1 });
    const none = await im.groupMessages(g, 1, 41);
    expect(none.complete).toBe(false);
    expect(none.messages.map((m) => m.msgSeq)).toEqual([1]);
    const h = await im.groupMessages(g, 1, 41);
    expect(h.complete).toBe(true);
    expect(h.messages).toHaveLength(41);
  });
});
