/**
 * The hot-read cache on the request path: a token's row and a room's host are reused for HOT_READ_CACHE_S; a
 * revocation through this process is seen at once, one through another instance (a direct write here) after at most
 * the TTL; with 0 every request reads the database.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { rawRows } from '../../db/dialect';
import { authTokens, courses } from '../../db/schema';
import { closeServiceCtx, createServiceCtx, type ServiceCtx } from '../context';
import { createLogger } from '../logger';
import { openSecondHandle } from '../../db/testing/test-db';
import { testEngine } from '../../db/testing/test-engine';
import { createTestCtx } from '../testing/test-ctx';
import { createAccount } from './accounts';
import { issueToken, resolveToken, revokeToken } from './auth-tokens';
import { createCourse, deleteCourse } from './courses';
import { hotReadCacheS } from './hot-read-cache';
import { recordHeartbeat } from './members';
import { changePassword } from './password-change';
import { taughtCourse, asTeacher } from './course-access';

/** What another instance does: revoke every token of the account in the database, behind this process's back. */
const revokeElsewhere = (ctx: ReturnType<typeof createTestCtx>) =>
  inTransaction(ctx.db, (tx) => tx.update(authTokens).set({ revokedAt: ctx.clock.nowS() }));

async function withToken(env: Record<string, string>) {
  const ctx = createTestCtx(env);
  await createAccount(ctx, { id: 'teach', pwd: 'cGFzc3dvcmQx', role: 1 });
  const token = await issueToken(ctx, 'teach', 'legacy', ctx.env.SDKAPPID);
  return { ctx, token, resolve: () => resolveToken(ctx, token, 'legacy', ctx.env.SDKAPPID) };
}

describe('hot-read cache', () => {
  it('defaults: off on SQLite, 10 s on PostgreSQL; HOT_READ_CACHE_S overrides', () => {
    const sqlite = { kind: 'sqlite' as const, file: 'x.db' };
    const pg = { kind: 'pg' as const, url: 'postgres://h/db' };
    expect(hotReadCacheS({ HOT_READ_CACHE_S: undefined, database: sqlite })).toBe(0);
    expect(hotReadCacheS({ HOT_READ_CACHE_S: undefined, database: pg })).toBe(10);
    expect(hotReadCacheS({ HOT_READ_CACHE_S: 3, database: pg })).toBe(3);
  });

  it('a token revoked by another instance works here at most HOT_READ_CACHE_S longer', async () => {
    const { ctx, resolve } = await withToken({ HOT_READ_CACHE_S: '10' });
    expect((await resolve()).uid).toBe('teach');
    await revokeElsewhere(ctx);
    ctx.clock.advance(9);
    expect((await resolve()).uid).toBe('teach'); // the cached row, 9 s old
    ctx.clock.advance(1);
    await expect(resolve()).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('with HOT_READ_CACHE_S=0 every request reads the database', async () => {
    const { ctx, resolve } = await withToken({ HOT_READ_CACHE_S: '0' });
    expect((await resolve()).uid).toBe('teach');
    await revokeElsewhere(ctx);
    await expect(resolve()).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('a logout or a password change through this process is seen at once', async () => {
    const { ctx, token, resolve } = await withToken({ HOT_READ_CACHE_S: '60' });
    expect((await resolve()).uid).toBe('teach');
    await revokeToken(ctx, token, 'legacy');
    await expect(resolve()).rejects.toMatchObject({ code: 'TOKEN_INVALID' });

    const other = await issueToken(ctx, 'teach', 'legacy', ctx.env.SDKAPPID);
    const keep = await issueToken(ctx, 'teach', 'console', ctx.env.SDKAPPID);
    expect((await resolveToken(ctx, other, 'legacy', ctx.env.SDKAPPID)).uid).toBe('teach');
    await changePassword(ctx, {
      uid: 'teach',
      current: 'cGFzc3dvcmQx',
      next: 'bmV3cGFzc3dvcmQ=',
      ip: null,
      keepSessionSecret: keep,
    });
    await expect(resolveToken(ctx, other, 'legacy', ctx.env.SDKAPPID)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect((await resolveToken(ctx, keep, 'console', ctx.env.SDKAPPID)).uid).toBe('teach');
  });

  it('a heartbeat reuses the room it read; a deleted draft answers ROOM_NOT_FOUND once the entry expires', async () => {
    const ctx = createTestCtx({ HOT_READ_CACHE_S: '10' });
    await createAccount(ctx, { id: 'teach', pwd: 'cGFzc3dvcmQx', role: 1 });
    const caller = asTeacher({ uid: 'teach', role: 1, appid: ctx.env.SDKAPPID });
    const { roomnum } = await createCourse(ctx, caller, { title: 'draft' });
    await recordHeartbeat(ctx, caller, roomnum);
    await deleteCourse(ctx, await taughtCourse(ctx, caller, roomnum));
    expect(await ctx.db.select().from(courses).where(eq(courses.roomnum, roomnum))).toEqual([]);
    await expect(recordHeartbeat(ctx, caller, roomnum)).resolves.toBeUndefined(); // within the TTL: changes nothing
    ctx.clock.advance(10);
    await expect(recordHeartbeat(ctx, caller, roomnum)).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });
  });
});

describe.skipIf(testEngine() !== 'pg')('hot-read cache across instances (PostgreSQL NOTIFY)', () => {
  const opened: ServiceCtx[] = [];
  afterAll(async () => {
    for (const c of opened) await closeServiceCtx(c);
  });

  /** Two instances on one database, both caching token rows for a minute. */
  async function twoInstances() {
    const { ctx: a, token, resolve } = await withToken({ HOT_READ_CACHE_S: '60' });
    const b = createServiceCtx(a.env, {
      db: openSecondHandle({ url: a.dbUrl }),
      clock: a.clock,
      log: createLogger('silent'),
    });
    opened.push(a, b);
    await Promise.all([a.tokenRevocations!.ready, b.tokenRevocations!.ready]);
    return { a, b, token, resolve };
  }
  const eventually = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 5000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('not within 5 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const refused = (p: Promise<unknown>) =>
    p.then(
      () => false,
      () => true,
    );

  it('a logout on one instance is refused on the other as soon as it commits, not after the TTL', async () => {
    const { b, token, resolve } = await twoInstances();
    expect((await resolve()).uid).toBe('teach'); // cached on a
    await revokeToken(b, token, 'legacy');
    await eventually(() => refused(resolve()));
  });

  it('a password change on one instance signs the other sessions out on the other', async () => {
    const { a, b, resolve } = await twoInstances();
    const keep = await issueToken(b, 'teach', 'console', b.env.SDKAPPID);
    expect((await resolve()).uid).toBe('teach');
    await changePassword(b, {
      uid: 'teach',
      current: 'cGFzc3dvcmQx',
      next: 'bmV3cGFzc3dvcmQ=',
      ip: null,
      keepSessionSecret: keep,
    });
    await eventually(() => refused(resolve()));
    expect((await resolveToken(a, keep, 'console', a.env.SDKAPPID)).uid).toBe('teach');
  });

  it('after its listening connection is lost, an instance drops every cached token (missed notifications)', async () => {
    const { a, resolve } = await twoInstances();
    expect((await resolve()).uid).toBe('teach');
    // A revocation the notification of which never arrives (written behind everyone's back), then the link drops.
    await revokeElsewhere(a);
    await inTransaction(a.db, (tx) =>
      rawRows(
        tx,
        sql`select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'listen %' and datname = current_database()`,
      ),
    );
    await eventually(() => refused(resolve()));
  });
});
