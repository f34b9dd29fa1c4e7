/**
 * Protocol rules every command shares, over real HTTP: CORS and preflight, methods, svc/cmd routing (10001), body
 * parsing (10002), common fields appid/timeStamp (10003), and token handling (10003 missing, 10009 unknown, revoked
 * or idle-expired, idle timer refreshed by requests, another appid's token), the per-request log line (no secrets in
 * it), and what a real internal fault answers (90000, nothing more).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { eq } from 'drizzle-orm';
import { authTokens } from '../../db/schema';
import { closeServiceCtx, createServiceCtx } from '../context';
import { loadEnv } from '../env';
import { createLogger } from '../logger';
import { refreshGranularityS } from '../services/auth-tokens';
import { createCourse, seedAccounts, signUp } from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer, withLegacyServer } from '../testing/legacy-server';
import { captureLogs } from '../testing/log-capture';
import { createTestCtx } from '../testing/test-ctx';
import { hashSecret } from '../services/tokens';
import { closeDb, first } from '../../db/client';
import { openSecondHandle } from '../../db/testing/test-db';

const IDLE = 1000;
/** Every command of issue 2, with a body that is valid apart from the token (so only auth can fail). */
const TOKEN_COMMANDS: [string, Record<string, unknown>][] = [
  ['live/create', { title: 't' }],
  ['live/startcourse', { roomnum: 10001 }],
  ['live/exitroom', { roomnum: 10001 }],
  ['live/heartbeat', { roomnum: 10001 }],
  ['live/roomlist', { index: 0, size: 10 }],
  ['live/reportmemid', { roomnum: 10001, operate: 0 }],
  ['live/roomidlist', { roomnum: 10001, index: 0, size: 10 }],
  ['live/reportbind', { operate: 0, bind_file: { type: 0, file_name: 'a.pdf', url: 'http://x/a.pdf' } }],
  ['live/querybind', { index: 0, size: 10 }],
];
const ALL_COMMANDS = ['account/regist', 'account/login', 'account/logout', ...TOKEN_COMMANDS.map(([c]) => c)];

describe('legacy protocol rules over HTTP', () => {
  const ctx = createTestCtx({ TOKEN_IDLE_EXPIRE_S: String(IDLE) });
  let s: LegacyTestServer;
  let teacher: string;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    teacher = await signUp(s, 'teacher1', 1);
  });
  afterAll(() => s.close());

  const post = (svcCmd: string, body: unknown) => {
    const [svc, cmd] = svcCmd.split('/') as [string, string];
    return s.raw(svc, cmd, body);
  };

  describe('transport', () => {
    it('answers JSON with Access-Control-Allow-Origin: * on success and on error', async () => {
      for (const body of [{ appid: ctx.env.SDKAPPID, timeStamp: 1, id: 'nobody', pwd: 'x' }, 'not json']) {
        const r = await post('account/login', body);
        expect(r.status).toBe(200);
        expect(r.headers.get('access-control-allow-origin')).toBe('*');
        expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      }
    });

    it('answers an OPTIONS preflight with 204 and the CORS headers', async () => {
      const r = await s.raw('live', 'heartbeat', undefined, { method: 'OPTIONS' });
      expect(r.status).toBe(204);
      expect(r.text).toBe('');
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(r.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(r.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/content-type/);
    });

    it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s with JSON 10001, never an HTML page', async (method) => {
      const r = await s.raw('live', 'roomlist', method === 'GET' ? undefined : '{}', { method });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(r.json).toMatchObject({ errorCode: 10001 });
      expect(typeof (r.json as { errorInfo: unknown }).errorInfo).toBe('string');
    });
  });

  describe('10001: svc/cmd', () => {
    it.each([
      [null, null],
      ['live', null],
      [null, 'heartbeat'],
      ['', ''],
      ['live', 'nosuch'],
      ['nosuch', 'heartbeat'],
      ['account', 'heartbeat'],
      ['__proto__', 'constructor'],
      ['live', 'heartbeat/../regist'],
    ])('svc=%s cmd=%s → 10001', async (svc, cmd) => {
      const r = await s.raw(svc, cmd, { appid: ctx.env.SDKAPPID, timeStamp: 1 });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ errorCode: 10001, errorInfo: expect.any(String) });
    });

    it('routes on svc/cmd only: 10001 wins over a broken body', async () => {
      expect((await s.raw('live', 'nosuch', '{{{')).json).toMatchObject({ errorCode: 10001 });
    });
  });

  describe('10002: body not a JSON object', () => {
    const bodies = [
      '[]',
      '[1,2]',
      '"str"',
      '123',
      'null',
      'true',
      '{',
      '{"a":1',
      "{'a':1}",
      'appid=1&timeStamp=2',
      '\u0000',
      '{"a":1}{"b":2}',
    ];
    it.each(ALL_COMMANDS)('%s refuses every non-object body with 10002', async (svcCmd) => {
      for (const b of bodies) {
        const r = await post(svcCmd, b);
        expect(r.status, b).toBe(200);
        expect(r.json, b).toEqual({ errorCode: 10002, errorInfo: expect.any(String) });
      }
    });

    it('refuses a body over the size limit with 10002 (and keeps answering)', async () => {
      const huge = JSON.stringify({
        appid: ctx.env.SDKAPPID,
        timeStamp: 1,
        id: 'x',
        pwd: 'y'.repeat(ctx.env.LEGACY_MAX_BODY_BYTES),
      });
      expect((await post('account/login', huge)).json).toMatchObject({ errorCode: 10002 });
      expect((await s.call('live/roomlist', { token: teacher, index: 0, size: 1 })).errorCode).toBe(0);
    });

    it('treats an empty (or blank) body as {} → 10003 naming appid', async () => {
      for (const b of ['', '   ', '\n']) {
        const r = await post('live/heartbeat', b);
        expect(r.json).toEqual({ errorCode: 10003, errorInfo: expect.stringContaining('appid') });
      }
    });
  });

  describe('10003: common fields', () => {
    const base = () => ({ appid: ctx.env.SDKAPPID, timeStamp: 1, token: teacher, index: 0, size: 1 });
    it.each(ALL_COMMANDS)('%s requires appid to be the integer SDKAPPID', async (svcCmd) => {
      for (const appid of [
        undefined,
        null,
        `${ctx.env.SDKAPPID}x`,
        String(ctx.env.SDKAPPID + 1),
        ctx.env.SDKAPPID + 1,
        ctx.env.SDKAPPID + 0.5,
        0,
        -1,
        [ctx.env.SDKAPPID],
        {},
        true,
      ]) {
        const body: Record<string, unknown> = { ...base(), appid };
        if (appid === undefined) delete body.appid;
        const r = await post(svcCmd, body);
        expect(r.json, JSON.stringify(appid)).toEqual({
          errorCode: 10003,
          errorInfo: expect.stringContaining('appid'),
        });
      }
    });

    it.each(ALL_COMMANDS)('%s requires timeStamp to be an integer', async (svcCmd) => {
      for (const timeStamp of [null, '12.5', 'now', 1.5, 1e400, [], {}, false]) {
        const body: Record<string, unknown> = { ...base(), timeStamp };
        if (timeStamp === undefined) delete body.timeStamp;
        const r = await post(
          svcCmd,
          timeStamp === 1e400 ? JSON.stringify(body).replace('"timeStamp":null', '"timeStamp":1e400') : body,
        );
        expect(r.json, String(timeStamp)).toEqual({
          errorCode: 10003,
          errorInfo: expect.stringContaining('timeStamp'),
        });
      }
    });
  });

  describe('unknown commands', () => {
    it('names the unknown svc/cmd only as an escaped, capped JSON string, with nosniff', async () => {
      const r = await s.raw('<script>alert(1)</script>', 'x"y'.repeat(100), {});
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      const info = (r.json as { errorCode: number; errorInfo: string }).errorInfo;
      expect((r.json as { errorCode: number }).errorCode).toBe(10001);
      expect(info.startsWith('unknown command "<script>alert(1)</script>/x\\"y')).toBe(true);
      expect(info.length).toBeLessThan(100);
    });
  });

  describe('2017 clients: appid and timeStamp as decimal strings, timeStamp omitted', () => {
    it('accepts the appid as a decimal string (PC client) and timeStamp as a string or missing', async () => {
      const list = (extra: Record<string, unknown>) =>
        post('live/roomlist', { token: teacher, index: 0, size: 1, ...extra });
      expect((await list({ appid: String(ctx.env.SDKAPPID), timeStamp: 1 })).json).toMatchObject({ errorCode: 0 });
      expect((await list({ appid: ctx.env.SDKAPPID, timeStamp: '1700000000' })).json).toMatchObject({ errorCode: 0 });
      expect((await list({ appid: String(ctx.env.SDKAPPID) })).json).toMatchObject({ errorCode: 0 });
      // Tokens are bound to the appid they were issued for: a string appid compares as the same number.
      const tok = (await post('account/login', { appid: String(ctx.env.SDKAPPID), id: 'teacher1', pwd: 'cHdk' }))
        .json as { data: { token: string } };
      expect(
        (await post('live/roomlist', { appid: ctx.env.SDKAPPID, token: tok.data.token, index: 0, size: 1 })).json,
      ).toMatchObject({ errorCode: 0 });
    });
  });

  describe('tokens', () => {
    it.each(TOKEN_COMMANDS)('%s: missing or non-string token → 10003 naming token', async (svcCmd, body) => {
      for (const token of [undefined, '', 123, null, ['x'], { t: 1 }]) {
        const b: Record<string, unknown> = { ...body, token };
        if (token === undefined) delete b.token;
        const r = await s.call(svcCmd, b);
        expect(r, JSON.stringify(token)).toEqual({ errorCode: 10003, errorInfo: expect.stringContaining('token') });
      }
    });

    it.each(TOKEN_COMMANDS)('%s: unknown token → 10009', async (svcCmd, body) => {
      for (const token of ['nope', 'x'.repeat(43), 'y'.repeat(5000), teacher + 'x', teacher.toUpperCase()]) {
        expect(await s.call(svcCmd, { ...body, token }), token.slice(0, 20)).toEqual({
          errorCode: 10009,
          errorInfo: expect.any(String),
        });
      }
    });

    it('a logged-out token → 10009 on every token command; logout of it again → 10008', async () => {
      const tok = (await s.call<{ token: string }>('account/login', { id: 'teacher1', pwd: 'cHdk' })).data!.token;
      expect(await s.call('live/roomlist', { token: tok, index: 0, size: 1 })).toMatchObject({ errorCode: 0 });
      expect(await s.call('account/logout', { token: tok })).toEqual({ errorCode: 0, errorInfo: '' });
      for (const [svcCmd, body] of TOKEN_COMMANDS) {
        expect((await s.call(svcCmd, { ...body, token: tok })).errorCode, svcCmd).toBe(10009);
      }
      expect(await s.call('account/logout', { token: tok })).toEqual({
        errorCode: 10008,
        errorInfo: expect.any(String),
      });
    });

    it('idle expiry: unused for more than TOKEN_IDLE_EXPIRE_S → 10009; each request refreshes the timer', async () => {
      const tok = (await s.call<{ token: string }>('account/login', { id: 'teacher1', pwd: 'cHdk' })).data!.token;
      const list = () => s.call('live/roomlist', { token: tok, index: 0, size: 1 });
      // Requests spaced just under the idle limit keep it alive far beyond one idle period.
      for (let i = 0; i < 4; i++) {
        ctx.clock.advance(IDLE - 1);
        expect((await list()).errorCode, `round ${i}`).toBe(0);
      }
      // A token may expire up to the refresh granularity early, never late: one idle period + 1 s after the last use.
      ctx.clock.advance(IDLE + 1);
      expect(await list()).toEqual({ errorCode: 10009, errorInfo: expect.any(String) });
      // Expired stays expired: the refused request did not refresh it.
      ctx.clock.advance(1);
      expect((await list()).errorCode).toBe(10009);
    });

    it('idle means no request for TOKEN_IDLE_EXPIRE_S: even requests close together each restart the idle period', async () => {
      const tok = (await s.call<{ token: string }>('account/login', { id: 'teacher1', pwd: 'cHdk' })).data!.token;
      const beat = () => s.call('live/querybind', { token: tok, index: 0, size: 1 });
      for (const step of [1, 5, 30]) {
        ctx.clock.advance(step);
        expect((await beat()).errorCode, `after ${step} s`).toBe(0);
      }
      // 36 s after login the last request came; IDLE - 1 s later the token has been idle less than IDLE.
      ctx.clock.advance(IDLE - 1);
      expect((await beat()).errorCode).toBe(0);
      ctx.clock.advance(2);
      expect((await beat()).errorCode).toBe(0);
      ctx.clock.advance(IDLE + 1);
      expect((await beat()).errorCode).toBe(10009);
    });

    it('idle expiry boundary: valid at exactly TOKEN_IDLE_EXPIRE_S minus the refresh granularity, never valid after it', async () => {
      const tok = (await s.call<{ token: string }>('account/login', { id: 'teacher1', pwd: 'cHdk' })).data!.token;
      ctx.clock.advance(IDLE - refreshGranularityS(IDLE));
      expect((await s.call('live/querybind', { token: tok, index: 0, size: 1 })).errorCode).toBe(0);
      // That request was ≥ granularity after login, so it refreshed last_used_at to now.
      const row = first(
        await ctx.db
          .select()
          .from(authTokens)
          .where(eq(authTokens.tokenHash, hashSecret(tok)))
          .limit(1),
      )!;
      expect(row.lastUsedAt).toBe(ctx.clock.nowS());
      ctx.clock.advance(IDLE + 1);
      expect((await s.call('live/querybind', { token: tok, index: 0, size: 1 })).errorCode).toBe(10009);
    });

    it('a token issued under another appid → 10003 (same database, second server configured with another SDKAPPID)', async () => {
      const other = createServiceCtx(loadEnv({ SDKAPPID: '1400000999', DATABASE_URL: ctx.dbUrl }), {
        db: openSecondHandle({ url: ctx.dbUrl }),
        clock: ctx.clock,
        log: createLogger('silent'),
      });
      const s2 = await startLegacyTestServer(other);
      try {
        const foreign = (await s2.call<{ token: string }>('account/login', { id: 'teacher1', pwd: 'cHdk' })).data!
          .token;
        expect((await s2.call('live/roomlist', { token: foreign, index: 0, size: 1 })).errorCode).toBe(0);
        const r = await s.call('live/roomlist', { token: foreign, index: 0, size: 1 });
        expect(r).toEqual({ errorCode: 10003, errorInfo: expect.any(String) });
        // And the reverse: this server's token on the other appid's server.
        const mine = (await s.call<{ token: string }>('account/login', { id: 'teacher1', pwd: 'cHdk' })).data!.token;
        expect((await s2.call('live/roomlist', { token: mine, index: 0, size: 1 })).errorCode).toBe(10003);
      } finally {
        await s2.close();
        await closeServiceCtx(other);
      }
    });
  });
});

describe('legacy request logs and internal faults', () => {
  const { lines, sink } = captureLogs();

  it('one line per request with svc, cmd, errorCode, ms; heartbeat at debug; no password, token or UserSig anywhere', async () => {
    const ctx = createTestCtx({}, { log: createLogger('debug', sink) });
    await withLegacyServer(ctx, async (s) => {
      const pwd = 'c3VwZXJzZWNyZXQ=';
      await s.call('account/regist', { id: 'teacher1', pwd, role: 1 });
      const login = await s.call<{ token: string; userSig: string }>('account/login', { id: 'teacher1', pwd });
      const { token, userSig } = login.data!;
      const room = await createCourse(s, token, 't');
      lines.length = 0;
      await s.call('live/startcourse', { token, roomnum: room });
      await s.call('live/heartbeat', { token, roomnum: room });
      await s.call('live/heartbeat', { token: 'wrong', roomnum: room });
      await s.call('account/login', { id: 'teacher1', pwd: 'wrong' + pwd });
      const reqLines = lines.filter((l) => l.msg === 'legacy');
      expect(reqLines.map((l) => [l.svc, l.cmd, l.errorCode, l.level])).toEqual([
        ['live', 'startcourse', 0, 30],
        ['live', 'heartbeat', 0, 20],
        ['live', 'heartbeat', 10009, 20],
        ['account', 'login', 10006, 30],
      ]);
      for (const l of reqLines) expect(typeof l.ms).toBe('number');
      const all = JSON.stringify(lines);
      for (const secret of [pwd, token, userSig]) expect(all).not.toContain(secret);
    });
  });

  it('at info level heartbeats are not logged, other commands are', async () => {
    lines.length = 0;
    const ctx = createTestCtx({}, { log: createLogger('info', sink) });
    await withLegacyServer(ctx, async (s) => {
      await s.call('live/heartbeat', { token: 'x', roomnum: 1 });
      await s.call('live/roomlist', { token: 'x', index: 0, size: 1 });
      expect(lines.filter((l) => l.msg === 'legacy').map((l) => l.cmd)).toEqual(['roomlist']);
    });
  });

  it('raw sockets: a body cut off mid-way is settled (10002, logged) and invalid UTF-8 is a clean 10003', async () => {
    lines.length = 0;
    const ctx = createTestCtx({}, { log: createLogger('info', sink) });
    const s = await startLegacyTestServer(ctx);
    const port = Number(new URL(s.url).port);
    const open = async () => {
      const sock = net.connect(port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      return sock;
    };
    try {
      const cut = await open();
      cut.write('POST /index.php?svc=live&cmd=roomlist HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"appid":');
      await new Promise((r) => setTimeout(r, 50));
      cut.destroy();
      await expect
        .poll(() => lines.filter((l) => l.msg === 'legacy').map((l) => l.errorCode), { timeout: 2000 })
        .toEqual([10002]);

      const bad = await open();
      const body = Buffer.concat([
        Buffer.from('{"appid":' + ctx.env.SDKAPPID + ',"timeStamp":1,"id":"'),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('","pwd":"x"}'),
      ]);
      bad.write(
        `POST /index.php?svc=account&cmd=login HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      );
      bad.write(body);
      let out = '';
      bad.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => bad.once('end', r));
      expect(out).toMatch(/^HTTP\/1\.1 200 /);
      expect(out).toContain('{"errorCode":10003,"errorInfo":"id: ');
      expect((await s.call('live/roomlist', { token: 'x', index: 0, size: 1 })).errorCode).toBe(10009);
    } finally {
      await s.close();
    }
  });

  it('a real internal fault (database gone) answers 200 JSON 90000 without details, logs the error, and never for bad input', async () => {
    lines.length = 0;
    const ctx = createTestCtx({}, { log: createLogger('info', sink) });
    await withLegacyServer(ctx, async (s) => {
      const token = (await seedAccounts(ctx, ['teacher1'], 1)).get('teacher1')!;
      await closeDb(ctx.db);
      const r = await s.raw('live', 'roomlist', { appid: ctx.env.SDKAPPID, timeStamp: 1, token, index: 0, size: 1 });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ errorCode: 90000, errorInfo: 'internal server error' });
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(lines.some((l) => l.level === 50)).toBe(true);
      // Input checks come first: bad input is still 10003, not 90000, with the database down.
      expect((await s.call('live/roomlist', { token, index: -1, size: 1 })).errorCode).toBe(10003);
      expect((await s.raw('live', 'roomlist', '[]')).json).toMatchObject({ errorCode: 10002 });
    });
  });
});
