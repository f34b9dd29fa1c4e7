/**
 * The IM provider contract, run against BOTH providers: `local` (in-database log) and `tencent` (REST v4, pointed at
 * the loopback fake that checks signatures and bodies like the real service). Whatever the domain relies on — MsgSeq
 * strictly increasing per group from 1, groups independent, history ranges of any length, failures rejecting — must
 * hold for each, so switching IM_PROVIDER never changes behaviour.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeDb } from '../../../db/client';
import { fixedClock } from '../../clock';
import { createLogger } from '../../logger';
import { systemRandom } from '../../random';
import { startFakeImServer, type FakeImServer } from '../../testing/fake-im-server';
import { createTestDb } from '../../../db/testing/test-db';
import { createUserSigSigner } from '../usersig';
import { createLocalIm } from './local';
import { createMessageLog } from './message-log';
import { createTencentIm } from './tencent';
import type { ImProvider } from './types';

const SDKAPPID = 1400000000;
const KEY = 'contract-test-key';
const ADMIN = 'administrator';

interface Harness {
  im: ImProvider;
  /** Makes the provider's next sends fail the way that provider really fails. */
  breakIt(): Promise<void> | void;
  done(): Promise<void>;
}

interface ProviderSetup {
  name: 'local' | 'tencent';
  beforeAll(): Promise<void>;
  afterAll(): Promise<void>;
  make(): Harness;
}

let fake: FakeImServer;

const setups: ProviderSetup[] = [
  {
    name: 'local',
    beforeAll: async () => {},
    afterAll: async () => {},
    make() {
      const { db } = createTestDb();
      const im = createLocalIm(createMessageLog(db), fixedClock(1_800_000_000), systemRandom, ADMIN);
      // The local provider fails when its database does (disk full, closed handle).
      let closed: Promise<void> | null = null;
      const close = () => (closed ??= closeDb(db));
      return { im, breakIt: close, done: close };
    },
  },
  {
    name: 'tencent',
    beforeAll: async () => {
      fake = await startFakeImServer({ sdkappid: SDKAPPID, admin: ADMIN, key: KEY });
    },
    afterAll: () => fake.close(),
    make() {
      const { db } = createTestDb();
      fake.reset();
      const im = createTencentIm(
        {
          apiBase: fake.url,
          sdkappid: SDKAPPID,
          admin: ADMIN,
          signer: createUserSigSigner(SDKAPPID, KEY, 86400),
          random: systemRandom,
          timeoutMs: 1000,
        },
        createMessageLog(db),
        createLogger('silent'),
      );
      return {
        im,
        breakIt: () => fake.fail({ errorCode: 10002, errorInfo: 'internal error' }),
        done: () => closeDb(db),
      };
    },
  },
];

/** Group ids unique across the whole file: the fake keeps its groups between tests. */
let groupCounter = 0;
const newGroup = () => `g${Date.now() % 100000}_${++groupCounter}`;

function dataOf(m: { msgBody: { MsgType: string; MsgContent: Record<string, unknown> }[] }): unknown {
  expect(m.msgBody).toHaveLength(1);
  expect(m.msgBody[0]!.MsgType).toBe('TIMCustomElem');
  return JSON.parse(String(m.msgBody[0]!.MsgContent.Data));
}

describe.each(setups)('IM provider contract: $name', (setup) => {
  let h: Harness;
  beforeAll(() => setup.beforeAll());
  afterAll(() => setup.afterAll());
  beforeEach(() => {
    h = setup.make();
  });
  afterEach(() => h.done());

  it('names itself', () => {
    expect(h.im.name).toBe(setup.name);
  });

  it('assigns MsgSeq 1, 2, 3… per group, strictly increasing', async () => {
    const g = newGroup();
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push((await h.im.sendGroupCustom(g, { type: 1003, i })).msgSeq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it('gives concurrent sends distinct consecutive seqs', async () => {
    const g = newGroup();
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => h.im.sendGroupCustom(g, { type: 1003, i })));
    expect(sent.map((s) => s.msgSeq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('keeps groups independent', async () => {
    const a = newGroup();
    const b = newGroup();
    const order = [a, b, a, a, b, a];
    const seqs = [];
    for (const g of order) seqs.push((await h.im.sendGroupCustom(g, { type: 1003 })).msgSeq);
    expect(seqs).toEqual([1, 1, 2, 3, 2, 4]);
    expect((await h.im.groupMessages(a, 1, 100)).messages.map((m) => m.msgSeq)).toEqual([1, 2, 3, 4]);
    expect((await h.im.groupMessages(b, 1, 100)).messages.map((m) => m.msgSeq)).toEqual([1, 2]);
  });

  it('returns the message as sent: custom element, sender, time', async () => {
    const g = newGroup();
    const payload = { type: 1001, seq: 7, timestamp: 123456, value: { uid: 'teacher1', note: '课堂 ✓' } };
    const sent = await h.im.sendGroupCustom(g, payload, { fromAccount: 'teacher1' });
    await h.im.sendGroupCustom(g, { type: 1002 });
    const { messages, complete } = await h.im.groupMessages(g, 1, 2);
    expect(complete).toBe(true);
    expect(messages[0]).toMatchObject({ msgSeq: sent.msgSeq, msgTime: sent.msgTime, fromAccount: 'teacher1' });
    expect(dataOf(messages[0]!)).toEqual(payload);
    expect(messages[1]!.fromAccount).toBe(ADMIN);
    expect(sent.msgTime).toBeGreaterThan(0);
  });

  it('reads ranges of any length (more than one 20-message page), ascending', async () => {
    const g = newGroup();
    for (let i = 1; i <= 45; i++) await h.im.sendGroupCustom(g, { type: 1003, i });
    const all = await h.im.groupMessages(g, 1, 45);
    expect(all.complete).toBe(true);
    expect(all.messages.map((m) => m.msgSeq)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(all.messages.map((m) => (dataOf(m) as { i: number }).i)).toEqual(
      Array.from({ length: 45 }, (_, i) => i + 1),
    );

    const mid = await h.im.groupMessages(g, 10, 33);
    expect(mid.messages.map((m) => m.msgSeq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 10));
    expect((await h.im.groupMessages(g, 40, 100)).messages.map((m) => m.msgSeq)).toEqual([40, 41, 42, 43, 44, 45]);
    expect((await h.im.groupMessages(g, 21, 21)).messages.map((m) => m.msgSeq)).toEqual([21]);
    expect((await h.im.groupMessages(g, 50, 60)).messages).toEqual([]);
    expect((await h.im.groupMessages(newGroup(), 1, 10)).messages).toEqual([]);
  });

  it('rejects when the message is not accepted, and allocates no seq for it', async () => {
    const g = newGroup();
    expect((await h.im.sendGroupCustom(g, { type: 1001 })).msgSeq).toBe(1);
    await h.breakIt();
    await expect(h.im.sendGroupCustom(g, { type: 1002 })).rejects.toThrow();
    if (setup.name === 'tencent') {
      fake.reset();
      expect((await h.im.sendGroupCustom(g, { type: 1002 })).msgSeq).toBe(2);
      expect((await h.im.groupMessages(g, 1, 10)).messages.map((m) => m.msgSeq)).toEqual([1, 2]);
    }
  });
});
