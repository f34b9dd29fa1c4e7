/**
 * inTransaction on the suite's engine: commit, rollback, nested calls join; on SQLite one at a time per connection,
 * on PostgreSQL concurrent (SERIALIZABLE, retried on conflicts).
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, openSecondHandle } from './testing/test-db';
import { testEngine } from './testing/test-engine';
import { closeDb, first, inTransaction, type Db } from './client';
import { users } from './schema';

const opened: Db[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => closeDb(db)));
});

function testDb(): Db {
  const { db } = createTestDb();
  opened.push(db);
  return db;
}

const user = (uid: string) => ({ uid, pwdHash: 'h', role: 0, createdAt: 1 });
const uids = async (db: Db) => (await db.select({ uid: users.uid }).from(users).orderBy(users.uid)).map((r) => r.uid);

describe(`inTransaction (${testEngine()})`, () => {
  it('commits what the callback wrote and returns its result', async () => {
    const db = testDb();
    const r = await inTransaction(db, async (tx) => {
      await tx.insert(users).values(user('a'));
      await tx.insert(users).values(user('b'));
      return 42;
    });
    expect(r).toBe(42);
    expect(await uids(db)).toEqual(['a', 'b']);
  });

  it('rolls back every write when the callback throws, and rethrows', async () => {
    const db = testDb();
    await expect(
      inTransaction(db, async (tx) => {
        await tx.insert(users).values(user('a'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await uids(db)).toEqual([]);
    // The connection is usable afterwards (no transaction left open).
    await inTransaction(db, (tx) => tx.insert(users).values(user('c')));
    expect(await uids(db)).toEqual(['c']);
  });

  it('rolls back when a statement fails (constraint) and the next transaction still runs', async () => {
    const db = testDb();
    await inTransaction(db, (tx) => tx.insert(users).values(user('a')));
    await expect(
      inTransaction(db, async (tx) => {
        await tx.insert(users).values(user('b'));
        await tx.insert(users).values(user('a'));
      }),
    ).rejects.toThrow();
    expect(await uids(db)).toEqual(['a']);
  });

  it('runs concurrent transactions completely (on SQLite one after another, never interleaved)', async () => {
    const db = testDb();
    const log: string[] = [];
    const body = (name: string) => async (tx: Parameters<Parameters<typeof inTransaction>[1]>[0]) => {
      log.push(`${name}:begin`);
      for (let i = 0; i < 3; i++) {
        await tx.insert(users).values(user(`${name}${i}`));
        await new Promise((r) => setTimeout(r, 1)); // a real yield to the event loop
      }
      log.push(`${name}:end`);
    };
    await Promise.all([inTransaction(db, body('x')), inTransaction(db, body('y')), inTransaction(db, body('z'))]);
    // SQLite: one connection, so one transaction after another. PostgreSQL: each on its own connection, at once.
    if (testEngine() === 'sqlite') expect(log).toEqual(['x:begin', 'x:end', 'y:begin', 'y:end', 'z:begin', 'z:end']);
    else expect(log.toSorted()).toEqual(['x:begin', 'x:end', 'y:begin', 'y:end', 'z:begin', 'z:end']);
    expect(await uids(db)).toHaveLength(9);
  });

  it('two handles on one database in one process (the two worlds of one server): neither blocks the other', async () => {
    const t = createTestDb();
    opened.push(t.db);
    const other = openSecondHandle(t);
    opened.push(other);
    const order: string[] = [];
    const first = inTransaction(t.db, async (tx) => {
      await tx.insert(users).values(user('a'));
      order.push('a wrote');
      await new Promise((r) => setTimeout(r, 100)); // holds the write lock across a real wait
      order.push('a commits');
    });
    await new Promise((r) => setTimeout(r, 10));
    const second = inTransaction(other, async (tx) => {
      order.push('b begins');
      await tx.insert(users).values(user('b'));
    });
    await Promise.all([first, second]);
    // SQLite: b waits (asynchronously) for a's commit; PostgreSQL: b runs beside a.
    if (testEngine() === 'sqlite') expect(order).toEqual(['a wrote', 'a commits', 'b begins']);
    expect(await uids(t.db)).toEqual(['a', 'b']);
  });

  it('a failed transaction does not stop the ones queued behind it', async () => {
    const db = testDb();
    const results = await Promise.allSettled([
      inTransaction(db, async () => {
        throw new Error('first fails');
      }),
      inTransaction(db, (tx) => tx.insert(users).values(user('b'))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(await uids(db)).toEqual(['b']);
  });

  it('a nested inTransaction joins the outer one (and its rollback)', async () => {
    const db = testDb();
    await expect(
      inTransaction(db, async (tx) => {
        await inTransaction(tx, (inner) => inner.insert(users).values(user('inner')));
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await uids(db)).toEqual([]);
    await inTransaction(db, async (tx) => {
      await inTransaction(tx, (inner) => inner.insert(users).values(user('inner')));
    });
    expect(await uids(db)).toEqual(['inner']);
  });

  it('reads one row with first()', async () => {
    const db = testDb();
    await inTransaction(db, (tx) => tx.insert(users).values(user('a')));
    expect(first(await db.select().from(users).where(eq(users.uid, 'a')).limit(1))?.uid).toBe('a');
    expect(first(await db.select().from(users).where(eq(users.uid, 'zz')).limit(1))).toBeUndefined();
  });
});
