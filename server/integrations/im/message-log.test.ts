/**
 * The message log's MsgSeq allocation under concurrency, on the suite's engine: parallel appends to one group get
 * distinct seqs 1…N, and every message is in the log once, in seq order. On PostgreSQL they come from two instances
 * (two pools on one database), conflict under SERIALIZABLE and are retried. On SQLite they share the process's
 * connection and queue (a second connection in the same process would block the event loop in BEGIN IMMEDIATE's busy
 * wait; across processes BEGIN IMMEDIATE serializes them, see legacy/multi-instance.http.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, type Db } from '../../../db/client';
import { createTestDb, openSecondHandle } from '../../../db/testing/test-db';
import { testEngine } from '../../../db/testing/test-engine';
import { createMessageLog, customElem, lastLoggedSeq } from './message-log';

const opened: Db[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => closeDb(db)));
});

describe(`message log (${testEngine()})`, () => {
  it('two instances appending to one group in parallel get distinct consecutive seqs; nothing is lost', async () => {
    const t = createTestDb();
    opened.push(t.db);
    const other = testEngine() === 'pg' ? openSecondHandle(t) : t.db;
    if (other !== t.db) opened.push(other);
    const logs = [createMessageLog(t.db), createMessageLog(other)];
    const N = 60;
    const seqs = await Promise.all(
      Array.from({ length: N }, (_, i) => logs[i % 2]!.append('g1', 1000 + i, `u${i}`, i, customElem({ i }))),
    );
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // Another group is independent of this one.
    expect(await logs[1]!.append('g2', 1, 'u', 0, customElem({}))).toBe(1);

    const stored = await logs[0]!.range('g1', 1, N);
    expect(stored.map((m) => m.msgSeq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // Each append's seq is the row holding its own message.
    for (const [i, seq] of seqs.entries()) {
      expect(stored[seq - 1]).toMatchObject({ msgTime: 1000 + i, fromAccount: `u${i}` });
    }
    expect(await lastLoggedSeq(other, 'g1')).toBe(N);
    expect(await lastLoggedSeq(other, 'nothing')).toBe(0);
  });

  it('mirror records a message allocated elsewhere once, and append continues after it', async () => {
    const { db } = createTestDb();
    opened.push(db);
    const log = createMessageLog(db);
    const m = { msgSeq: 41, msgTime: 5, fromAccount: 'admin', msgBody: customElem({ type: 1001 }) };
    await log.mirror('g', m, 7);
    await log.mirror('g', { ...m, fromAccount: 'someone else' }, 8);
    expect(await log.range('g', 1, 100)).toEqual([m]);
    expect(await log.append('g', 6, 'admin', 1, customElem({}))).toBe(42);
  });
});
