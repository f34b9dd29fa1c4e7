/** Presence: beats buffered per process, written in one transaction per flush, never reviving a member who left. */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { attachRunner, closeDb, inTransaction, type Db, type TxRunner } from '../../db/client';
import { courses, members, users } from '../../db/schema';
import { createTestDb } from '../../db/testing/test-db';
import { createPresence } from './presence';

const opened: Db[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => closeDb(db)));
});

let ROOM = 0;
async function seeded(): Promise<Db> {
  const { db } = createTestDb();
  opened.push(db);
  await inTransaction(db, async (tx) => {
    await tx
      .insert(users)
      .values(['t1', 's1', 's2', 's3'].map((uid) => ({ uid, pwdHash: 'h', role: 0, createdAt: 1 })));
    const [course] = await tx
      .insert(courses)
      .values({
        appid: 1,
        hostUid: 't1',
        title: 'c',
        state: 1,
        createdAt: 1,
        listTime: 1,
        lastHeartbeat: 100,
      })
      .returning({ roomnum: courses.roomnum });
    ROOM = course!.roomnum;
    await tx.insert(members).values(
      ['t1', 's1', 's2', 's3'].map((uid) => ({
        roomnum: ROOM,
        uid,
        role: uid === 't1' ? 1 : 0,
        joinedAt: 100,
        lastHeartbeat: 100,
        exitedAt: uid === 's3' ? 150 : null,
      })),
    );
  });
  return db;
}

const beatOf = async (db: Db, uid: string) =>
  (
    await db
      .select({ at: members.lastHeartbeat })
      .from(members)
      .where(and(eq(members.roomnum, ROOM), eq(members.uid, uid)))
  )[0]?.at;
const hostBeat = async (db: Db) =>
  (await db.select({ at: courses.lastHeartbeat }).from(courses).where(eq(courses.roomnum, ROOM)))[0]?.at;

const noError = (e: unknown) => {
  throw e;
};

describe('presence', () => {
  it('buffers beats (latest per member) and writes them at the flush', async () => {
    const db = await seeded();
    const p = createPresence({ db, flushMs: 60_000, granularityS: 10, onError: noError });
    await p.beat({ roomnum: ROOM, uid: 's1', isHost: false, at: 200 });
    await p.beat({ roomnum: ROOM, uid: 's1', isHost: false, at: 203 });
    await p.beat({ roomnum: ROOM, uid: 's1', isHost: false, at: 201 }); // out of order: the latest wins
    await p.beat({ roomnum: ROOM, uid: 't1', isHost: true, at: 202 });
    expect(p.pending).toBe(3); // s1, t1 as member, t1 as host
    expect(await beatOf(db, 's1')).toBe(100);
    expect(await p.flush()).toBe(3);
    expect(await beatOf(db, 's1')).toBe(203);
    expect(await beatOf(db, 't1')).toBe(202);
    expect(await hostBeat(db)).toBe(202);
    expect(await beatOf(db, 's2')).toBe(100);
    expect(p.pending).toBe(0);
    expect(await p.flush()).toBe(0);
    await p.stop();
  });

  it('does not rewrite a beat younger than the granularity, nor revive a member who left', async () => {
    const db = await seeded();
    const p = createPresence({ db, flushMs: 60_000, granularityS: 10, onError: noError });
    await p.beat({ roomnum: ROOM, uid: 's1', isHost: false, at: 105 }); // stored 100: too recent to rewrite
    await p.beat({ roomnum: ROOM, uid: 's3', isHost: false, at: 300 }); // exited at 150
    await p.beat({ roomnum: ROOM, uid: 'nobody', isHost: false, at: 300 }); // never entered: nothing to update
    await p.flush();
    expect(await beatOf(db, 's1')).toBe(100);
    expect(await beatOf(db, 's3')).toBe(100);
    expect(await beatOf(db, 'nobody')).toBeUndefined();
    await p.stop();
  });

  it('writes on the timer and flushes what is left on stop', async () => {
    const db = await seeded();
    const p = createPresence({ db, flushMs: 20, granularityS: 1, onError: noError });
    await p.beat({ roomnum: ROOM, uid: 's1', isHost: false, at: 200 });
    const deadline = Date.now() + 2000;
    while ((await beatOf(db, 's1')) !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(await beatOf(db, 's1')).toBe(200);
    await p.beat({ roomnum: ROOM, uid: 's2', isHost: false, at: 210 });
    await p.stop();
    expect(await beatOf(db, 's2')).toBe(210);
  });

  it('with PRESENCE_FLUSH_MS=0 every beat is written before beat() resolves', async () => {
    const db = await seeded();
    const p = createPresence({ db, flushMs: 0, granularityS: 1, onError: noError });
    await p.beat({ roomnum: ROOM, uid: 't1', isHost: true, at: 200 });
    expect(await beatOf(db, 't1')).toBe(200);
    expect(await hostBeat(db)).toBe(200);
    expect(p.pending).toBe(0);
  });

  it('keeps the beats of a failed flush for the next one', async () => {
    const db = await seeded();
    let failNext = true;
    const real = (db as unknown as Record<symbol, TxRunner>)[Symbol.for('edu.db.txRunner')]!;
    const flaky = attachRunner(Object.create(db) as Db, {
      ...real,
      run: (fn) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('database unavailable'));
        }
        return real.run(fn);
      },
    });
    const p = createPresence({ db: flaky, flushMs: 60_000, granularityS: 1, onError: noError });
    await p.beat({ roomnum: ROOM, uid: 's1', isHost: false, at: 200 });
    await expect(p.flush()).rejects.toThrow('database unavailable');
    expect(p.pending).toBe(1);
    expect(await p.flush()).toBe(1);
    expect(await beatOf(db, 's1')).toBe(200);
  });

  it('writes thousands of beats in one flush (several statements, one transaction)', async () => {
    const db = await seeded();
    const uids = Array.from({ length: 4500 }, (_, i) => `m${i}`);
    await inTransaction(db, async (tx) => {
      await tx.insert(users).values(uids.map((uid) => ({ uid, pwdHash: 'h', role: 0, createdAt: 1 })));
      await tx
        .insert(members)
        .values(uids.map((uid) => ({ roomnum: ROOM, uid, role: 0, joinedAt: 1, lastHeartbeat: 1, exitedAt: null })));
    });
    const p = createPresence({ db, flushMs: 60_000, granularityS: 1, onError: noError });
    for (const uid of uids) await p.beat({ roomnum: ROOM, uid, isHost: false, at: 500 });
    expect(await p.flush()).toBe(4500);
    const stale = await db.select({ uid: members.uid }).from(members).where(eq(members.lastHeartbeat, 1));
    expect(stale).toEqual([]);
  });
});
