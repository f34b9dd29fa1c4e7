/**
 * Bodies nested thousands deep, through both doors over real HTTP (the production listener, server/testing/
 * doors-server.ts): a clear 10003 / BAD_REQUEST naming the limit, the same for the 5 000- and 100 000-deep bodies
 * of the issue (an escaped NUL at the bottom, which once sent a recursive walk over the stack), and nothing logged
 * above info, no stack. A body within MAX_JSON_DEPTH is judged as before (its NUL still named by path).
 */
import { describe, expect, it } from 'vitest';
import { courses } from '../../db/schema';
import { createLogger } from '../logger';
import { startDoorsTestServer } from '../testing/doors-server';
import { captureLogs } from '../testing/log-capture';
import { createTestCtx } from '../testing/test-ctx';
import { signedIn } from '../trpc/testing';
import { SESSION_COOKIE } from '../trpc/session-cookie';
import { MAX_JSON_DEPTH } from './json-depth';

/** JSON text of `depth` nested arrays around one string holding an escaped NUL (built as text: no recursion here). */
const deepArrays = (depth: number) => `${'['.repeat(depth)}"a\\u0000b"${']'.repeat(depth)}`;

/** Nothing at warn or above, and no stack anywhere in what was logged. */
function expectQuietLogs(lines: Record<string, unknown>[]): void {
  expect(lines.filter((l) => Number(l.level) >= 40)).toEqual([]);
  expect(JSON.stringify(lines)).not.toMatch(/stack|RangeError/);
}

describe('JSON nested deeper than MAX_JSON_DEPTH', () => {
  async function setup() {
    const { lines, sink } = captureLogs();
    const ctx = createTestCtx({}, { log: createLogger('info', sink) });
    const s = await startDoorsTestServer(ctx);
    const teacher = await signedIn(ctx, 'teacher1');
    await s.legacy('account/regist', { id: 'teach2', pwd: 'cGFzc3dvcmQx', role: 1 });
    const login = await s.legacy('account/login', { id: 'teach2', pwd: 'cGFzc3dvcmQx' });
    const token = (login.data as { token: string }).token;
    lines.length = 0;
    return { ctx, s, lines, cookie: `${SESSION_COOKIE}=${teacher.secret}`, token };
  }

  it('legacy door: 10003 naming the limit for 5 000 and 100 000 levels, nothing written, no stack logged', async () => {
    const { ctx, s, lines, token } = await setup();
    try {
      for (const depth of [5_000, 100_000]) {
        const r = await s.legacyText(
          'live/create',
          `{"appid":${ctx.env.SDKAPPID},"timeStamp":1,"token":"${token}","title":"t","extra":${deepArrays(depth)}}`,
        );
        expect(r).toEqual({
          errorCode: 10003,
          errorInfo: `body: must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep`,
        });
      }
      expect(await ctx.db.select().from(courses)).toEqual([]);
      const requests = lines.filter((l) => l.msg === 'legacy');
      expect(requests.map((l) => l.errorCode)).toEqual([10003, 10003]);
      expectQuietLogs(lines);
      // At the limit the body is judged as any other: the NUL is named by its path.
      const atLimit = await s.legacyText(
        'live/create',
        `{"appid":${ctx.env.SDKAPPID},"timeStamp":1,"token":"${token}","title":"t","extra":${deepArrays(MAX_JSON_DEPTH - 1)}}`,
      );
      expect(atLimit.errorCode).toBe(10003);
      expect(atLimit.errorInfo).toBe(`extra${'.0'.repeat(MAX_JSON_DEPTH - 1)}: must not contain NUL characters`);
    } finally {
      await s.close();
    }
  });

  it('console door: 400 BAD_REQUEST naming the limit for 5 000 and 100 000 levels, nothing written, no stack logged', async () => {
    const { ctx, s, lines, cookie } = await setup();
    try {
      for (const depth of [5_000, 100_000]) {
        const r = await s.mutateText('course.create', `{"title":"t","extra":${deepArrays(depth)}}`, { cookie });
        expect(r.status).toBe(400);
        expect(r.body.error?.data.code).toBe('BAD_REQUEST');
        expect(r.body.error?.message).toBe(
          `input: must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep`,
        );
        // The same as the title itself (a batch of one call: the shape the console's client sends).
        const batched = await fetch(`${s.url}/api/trpc/course.create?batch=1`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-console-csrf': '1',
            origin: s.url,
            'sec-fetch-site': 'same-origin',
            cookie,
          },
          body: `{"0":{"title":${deepArrays(depth)}}}`,
        });
        expect(batched.status).toBe(400);
        const [one] = (await batched.json()) as { error: { data: { code: string } } }[];
        expect(one!.error.data.code).toBe('BAD_REQUEST');
      }
      expect(await ctx.db.select().from(courses)).toEqual([]);
      expectQuietLogs(lines);
      // Within the limit: judged as before, the NUL named.
      const atLimit = await s.mutateText('course.create', `{"title":"t","extra":${deepArrays(MAX_JSON_DEPTH - 1)}}`, {
        cookie,
      });
      expect(atLimit.status).toBe(400);
      expect(atLimit.body.error?.message).toContain('must not contain NUL characters');
    } finally {
      await s.close();
    }
  });
});
