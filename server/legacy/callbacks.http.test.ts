/**
 * Tencent's callbacks over real HTTP: live/recendcall (+ alias live/reccall) and live/idxfileendcall — success paths,
 * idempotency by the notice's identity (notices sharing one (t, sign) all applied, each retry once), the
 * LIVE_CALLBACK_KEY signature (forged, expired, missing, over 1 h ahead → refused, nothing changes; unsigned callbacks refused without a key unless explicitly allowed), unknown
 * course/user, other event types, bad input, and a seeded fuzz of both callbacks (never a 90000, never a change
 * without a valid signature).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { courses, imMessages, recordings } from '../../db/schema';
import { loadEnv } from '../env';
import { startDoorsTestServer } from '../testing/doors-server';
import { prng } from '../testing/fuzz';
import { startLegacyTestServer, type LegacyTestServer, withLegacyServer } from '../testing/legacy-server';
import { md5, recordingCallback, runLesson, type Lesson } from '../testing/playback-fixtures';
import { createTestCtx } from '../testing/test-ctx';
import { asTeacher } from '../services/course-access';

const KEY = 'live-callback-key';
type Ctx = ReturnType<typeof createTestCtx>;

async function post(s: LegacyTestServer, cmd: string, body: unknown) {
  const r = await s.raw('live', cmd, body);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  return r.json as Record<string, unknown>;
}

/** Each signed notice gets its own t unless `ttl` is given. */
let seq = 0;
function signed(ctx: Ctx, body: Record<string, unknown>, ttl?: number, asString = false): Record<string, unknown> {
  const t = ctx.clock.nowS() + (ttl ?? 600 + seq++);
  return { ...body, t: asString ? String(t) : t, sign: md5(KEY + t) };
}

const idxBody = (roomnum: number | string, over: Record<string, unknown> = {}) => ({
  SrcRequest: JSON.stringify({
    GroupId: String(roomnum),
    MsgSeqStart: 1,
    MsgSeqEnd: 4,
    MaxMsgSeqVideoEnd: 5,
    UserList: [{ Account: 'teacher1' }],
  }),
  ErrorCode: 0,
  ErrorInfo: '',
  ReplayIndex: { FileUrl: 'http://replay.example/idx/10001.json', CreateTime: 1_800_000_500 },
  ...over,
});

describe('live callbacks with LIVE_CALLBACK_KEY', () => {
  const ctx = createTestCtx({ LIVE_CALLBACK_KEY: KEY });
  let s: LegacyTestServer;
  let lesson: Lesson;
  const recCount = async () => (await ctx.db.select().from(recordings)).length;
  const course = async () => (await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) }))!;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    lesson = await runLesson(ctx);
  });
  afterAll(() => s.close());

  it('refuses forged, expired, unsigned and re-timed callbacks with a non-zero code; nothing changes', async () => {
    const body = recordingCallback(lesson.roomnum, 'teacher1');
    const t = ctx.clock.nowS() + 600;
    const before = await course();
    const bad = [
      { ...body },
      { ...body, t },
      { ...body, sign: md5(KEY + t) },
      { ...body, t, sign: md5('wrong-key' + t) },
      { ...body, t: t + 1, sign: md5(KEY + t) },
      { ...body, t, sign: md5(KEY + t).replace(/^./, 'x') },
      { ...body, t: String(t), sign: md5(KEY + t) + '0' },
      signed(ctx, body, -1),
    ];
    for (const b of bad) {
      const r = await post(s, 'recendcall', b);
      expect(r.code).toBe(10101);
      expect(typeof r.message).toBe('string');
    }
    // A t that is not a decimal time fails validation before any signature check.
    expect(await post(s, 'recendcall', { ...body, t: -5, sign: md5(KEY + '-5') })).toMatchObject({ code: 10003 });
    expect(await recCount()).toBe(0);
    expect(await course()).toEqual(before);
    const idx = await post(s, 'idxfileendcall', { ...idxBody(lesson.roomnum), t, sign: 'f'.repeat(32) });
    expect(idx).toMatchObject({ ActionStatus: 'OK', ErrorCode: 10101 });
    expect(await course()).toEqual(before);
  });

  it('stores a signed recording once when Tencent sends it twice (t as number, then as string, via the alias)', async () => {
    const body = recordingCallback(lesson.roomnum, 'teacher1');
    expect(await post(s, 'recendcall', signed(ctx, body, 300))).toEqual({ code: 0 });
    expect(await post(s, 'reccall', signed(ctx, body, 300, true))).toEqual({ code: 0 });
    expect(await recCount()).toBe(1);
    expect((await course()).lastRecImseq).toBeGreaterThan(0);
  });

  it('a signature valid until exactly now is still accepted', async () => {
    const body = recordingCallback(lesson.roomnum, 'teacher1', { file_id: 'edge' });
    expect(await post(s, 'recendcall', signed(ctx, body, 0))).toEqual({ code: 0 });
    expect(await recCount()).toBe(2);
  });

  it('unknown course or user: acknowledged with code 0, nothing stored', async () => {
    expect(await post(s, 'recendcall', signed(ctx, recordingCallback(77777, 'teacher1', { file_id: 'u1' })))).toEqual({
      code: 0,
    });
    expect(
      await post(s, 'recendcall', signed(ctx, recordingCallback(lesson.roomnum, 'ghost', { file_id: 'u2' }))),
    ).toEqual({ code: 0 });
    expect(await recCount()).toBe(2);
  });

  it('other event types are acknowledged and change nothing', async () => {
    const before = await course();
    for (const event_type of [0, 1, 200, 332, '1']) {
      expect(
        await post(
          s,
          'recendcall',
          signed(ctx, { event_type, stream_id: 's1', stream_param: `groupid=${lesson.roomnum}` }),
        ),
      ).toEqual({ code: 0 });
    }
    expect(await recCount()).toBe(2);
    expect(await course()).toEqual(before);
  });

  it('event 100 with missing or bad fields → 10003 naming the field', async () => {
    const base = recordingCallback(lesson.roomnum, 'teacher1', { file_id: 'bad' });
    const { video_url: _drop, ...noUrl } = base;
    const r1 = await post(s, 'recendcall', signed(ctx, noUrl));
    expect(r1).toMatchObject({ code: 10003 });
    expect(String(r1.message)).toContain('video_url');
    expect(await post(s, 'recendcall', signed(ctx, { ...base, duration: 'long' }))).toMatchObject({ code: 10003 });
    expect(await post(s, 'recendcall', signed(ctx, { ...base, event_type: 'x' }))).toMatchObject({ code: 10003 });
    expect(await post(s, 'recendcall', signed(ctx, { stream_id: 's' }))).toMatchObject({ code: 10003 });
    expect(await recCount()).toBe(2);
  });

  it('a body over LEGACY_MAX_BODY_BYTES is refused (10002) without being stored', async () => {
    const huge = JSON.stringify(
      signed(ctx, {
        ...recordingCallback(lesson.roomnum, 'teacher1', { file_id: 'huge' }),
        pad: 'x'.repeat(ctx.env.LEGACY_MAX_BODY_BYTES),
      }),
    );
    expect(await post(s, 'recendcall', huge)).toMatchObject({ code: 10002 });
    expect(await post(s, 'idxfileendcall', huge)).toMatchObject({ ActionStatus: 'OK', ErrorCode: 10002 });
    expect(await recCount()).toBe(2);
  });

  it('non-JSON or non-object bodies get the callback reply shape with a non-zero code', async () => {
    for (const body of ['not json', '[1,2]', '"x"', '{"event_type":100,']) {
      const r = await post(s, 'recendcall', body);
      expect(r.code).toBe(10002);
      const i = await post(s, 'idxfileendcall', body);
      expect(i).toMatchObject({ ActionStatus: 'OK', ErrorCode: 10002 });
    }
  });

  it('idxfileendcall: failure recorded (state stays 2), then success → state 3 with its FileUrl', async () => {
    const fail = await post(
      s,
      'idxfileendcall',
      signed(
        ctx,
        idxBody(lesson.roomnum, { ErrorCode: 1001, ErrorInfo: 'index build failed', ReplayIndex: undefined }),
      ),
    );
    expect(fail).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    expect(await course()).toMatchObject({
      state: 2,
      playbackIdxUrl: '',
      indexError: 'replay index service: 1001 index build failed',
    });
    const ok = await post(s, 'idxfileendcall', signed(ctx, idxBody(lesson.roomnum)));
    expect(ok).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    expect(await course()).toMatchObject({
      state: 3,
      playbackIdxUrl: 'http://replay.example/idx/10001.json',
      indexStatus: 'ready',
    });
  });

  it('idxfileendcall errors: unknown course 10010, course not ended 10102, bad SrcRequest / missing ReplayIndex / bad URL 10003', async () => {
    expect(await post(s, 'idxfileendcall', signed(ctx, idxBody(88888)))).toMatchObject({ ErrorCode: 10010 });
    const t = asTeacher({ uid: 'teacher1', role: 1, appid: ctx.env.SDKAPPID });
    const { createCourse } = await import('../services/courses');
    const { roomnum } = await createCourse(ctx, t, { title: 'draft' });
    expect(await post(s, 'idxfileendcall', signed(ctx, idxBody(roomnum)))).toMatchObject({ ErrorCode: 10102 });
    const bads = [
      idxBody(lesson.roomnum, { SrcRequest: { GroupId: String(lesson.roomnum) } }),
      idxBody(lesson.roomnum, { SrcRequest: 'not json' }),
      idxBody(lesson.roomnum, { SrcRequest: JSON.stringify({ GroupId: '../1' }) }),
      idxBody(lesson.roomnum, { SrcRequest: JSON.stringify({}) }),
      idxBody(lesson.roomnum, { ReplayIndex: undefined }),
      idxBody(lesson.roomnum, { ReplayIndex: { FileUrl: 'javascript:alert(1)', CreateTime: 1 } }),
      idxBody(lesson.roomnum, { ErrorCode: '0' }),
    ];
    for (const b of bads)
      expect(await post(s, 'idxfileendcall', signed(ctx, b))).toMatchObject({ ActionStatus: 'OK', ErrorCode: 10003 });
    expect((await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, roomnum) }))!.state).toBe(0);
  });
});

describe('live callback replay and lifetime', () => {
  const ctx = createTestCtx({ LIVE_CALLBACK_KEY: KEY });
  let s: LegacyTestServer;
  let lesson: Lesson;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    lesson = await runLesson(ctx);
  });
  afterAll(() => s.close());

  it('notices issued in the same second share (t, sign): every one is applied, each retry applied once', async () => {
    // Tencent signs md5(key + t) only: two recordings, a stream end and a replay-index result issued in one second
    // carry the same t and sign. Each is delivered twice (Tencent retries when it is unsure of the first delivery).
    const imBefore = (await ctx.db.select().from(imMessages)).length;
    const t = ctx.clock.nowS() + 900;
    const auth = { t, sign: md5(KEY + t) };
    const notices: Array<[string, Record<string, unknown>]> = [
      ['recendcall', { ...recordingCallback(lesson.roomnum, 'teacher1', { file_id: 'r1' }), ...auth }],
      [
        'recendcall',
        {
          ...recordingCallback(lesson.roomnum, 'teacher1', {
            file_id: 'r2',
            start_time: 1_800_000_200,
            end_time: 1_800_000_300,
          }),
          ...auth,
        },
      ],
      ['recendcall', { event_type: 0, stream_id: `s${lesson.roomnum}`, sequence: '42', ...auth }],
    ];
    for (const round of [1, 2])
      for (const [cmd, body] of notices) expect(await post(s, cmd, body), `${cmd} round ${round}`).toEqual({ code: 0 });
    expect((await ctx.db.select().from(recordings)).map((r) => r.fileId).sort()).toEqual(['r1', 'r2']);
    // IM 1004 once per recording, not once per delivery.
    expect((await ctx.db.select().from(imMessages)).length - imBefore).toBe(2);
    await inTransaction(ctx.db, (tx) =>
      tx.update(courses).set({ state: 2 }).where(eq(courses.roomnum, lesson.roomnum)),
    );
    for (const round of [1, 2])
      expect(
        await post(s, 'idxfileendcall', { ...idxBody(lesson.roomnum), ...auth }),
        `idx round ${round}`,
      ).toMatchObject({
        ActionStatus: 'OK',
        ErrorCode: 0,
      });
    const c = (await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) }))!;
    expect(c.playbackIdxUrl).toBe('http://replay.example/idx/10001.json');
  });

  it('a t more than an hour ahead is refused (10101), nothing stored', async () => {
    const courseBefore = await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) });
    expect(
      await post(s, 'recendcall', signed(ctx, recordingCallback(lesson.roomnum, 'teacher1', { file_id: 'far' }), 3601)),
    ).toMatchObject({ code: 10101 });
    expect(await post(s, 'idxfileendcall', signed(ctx, idxBody(lesson.roomnum), 86400))).toMatchObject({
      ActionStatus: 'OK',
      ErrorCode: 10101,
    });
    expect((await ctx.db.select().from(recordings)).map((r) => r.fileId).sort()).toEqual(['r1', 'r2']);
    expect(await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) })).toEqual(courseBefore);
  });
});

describe('LIVE_CALLBACK_ALLOWED_IPS', () => {
  it('accepts signed callbacks only from the listed addresses and blocks (behind TRUSTED_PROXY)', async () => {
    const ctx = createTestCtx({
      LIVE_CALLBACK_KEY: KEY,
      TRUSTED_PROXY: '127.0.0.1',
      LIVE_CALLBACK_ALLOWED_IPS: '198.51.100.7, 203.0.113.0/24, 2001:db8::/32',
    });
    const s = await startDoorsTestServer(ctx);
    try {
      const lesson = await runLesson(ctx);
      const send = async (ip: string, fileId: string) =>
        (
          (await s.legacy(
            'live/recendcall',
            signed(ctx, recordingCallback(lesson.roomnum, 'teacher1', { file_id: fileId })),
            { 'x-forwarded-for': ip },
          )) as unknown as { code: number }
        ).code;
      expect(await send('192.0.2.1', 'x1')).toBe(10101);
      expect(await send('198.51.100.8', 'x2')).toBe(10101);
      expect(await send('198.51.100.7', 'ok1')).toBe(0);
      expect(await send('203.0.113.250', 'ok2')).toBe(0);
      expect(await send('2001:db8::5', 'ok3')).toBe(0);
      expect((await ctx.db.select().from(recordings)).map((r) => r.fileId).sort()).toEqual(['ok1', 'ok2', 'ok3']);
    } finally {
      await s.close();
    }
  });

  it('a malformed entry stops the start with a message naming the variable', () => {
    expect(() => loadEnv({ LIVE_CALLBACK_ALLOWED_IPS: '203.0.113.0/33' })).toThrow(/LIVE_CALLBACK_ALLOWED_IPS/);
    expect(() => loadEnv({ LIVE_CALLBACK_ALLOWED_IPS: 'tencent.example' })).toThrow(/not an IP address/);
    expect(loadEnv({ LIVE_CALLBACK_ALLOWED_IPS: '' }).LIVE_CALLBACK_ALLOWED_IPS).toEqual([]);
  });
});

describe('live callbacks without LIVE_CALLBACK_KEY', () => {
  it('are refused by default (10101 in each reply shape); nothing changes', async () => {
    const ctx = createTestCtx();
    await withLegacyServer(ctx, async (s) => {
      const lesson = await runLesson(ctx);
      const before = await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) });
      const body = recordingCallback(lesson.roomnum, 'teacher1');
      expect(await post(s, 'recendcall', body)).toMatchObject({ code: 10101 });
      expect(
        await post(s, 'reccall', { ...body, t: ctx.clock.nowS() + 60, sign: md5('' + (ctx.clock.nowS() + 60)) }),
      ).toMatchObject({ code: 10101 });
      expect(await post(s, 'idxfileendcall', idxBody(lesson.roomnum))).toMatchObject({
        ActionStatus: 'OK',
        ErrorCode: 10101,
      });
      expect(await ctx.db.select().from(recordings)).toEqual([]);
      expect(await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) })).toEqual(before);
    });
  });

  it('LIVE_CALLBACK_ALLOW_UNSIGNED=1 accepts unsigned callbacks (local experiments); GroupId may be a number', async () => {
    const ctx = createTestCtx({ LIVE_CALLBACK_ALLOW_UNSIGNED: '1' });
    await withLegacyServer(ctx, async (s) => {
      const lesson = await runLesson(ctx);
      expect(await post(s, 'recendcall', recordingCallback(lesson.roomnum, 'teacher1'))).toEqual({ code: 0 });
      expect((await ctx.db.select().from(recordings)).length).toBe(1);
      const body = { ...idxBody(lesson.roomnum), SrcRequest: JSON.stringify({ GroupId: lesson.roomnum }) };
      expect(await post(s, 'idxfileendcall', body)).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    });
  });
});

describe('callback fuzz', () => {
  const ctx = createTestCtx({ LIVE_CALLBACK_KEY: KEY });
  let s: LegacyTestServer;
  let lesson: Lesson;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    lesson = await runLesson(ctx);
  });
  afterAll(() => s.close());

  it('random and mutated bodies: always HTTP 200 with the callback shape, never 90000, never a change without a valid sign', async () => {
    // Seeded so a failing case reproduces.
    const { next: rnd, pick } = prng(20261128);
    const weird: unknown[] = [
      null,
      true,
      -0,
      1e308,
      -1,
      2 ** 63,
      0.5,
      '',
      ' ',
      '1e309',
      'NaN',
      '数学',
      '\u0000',
      'x'.repeat(5000),
      [],
      [1, [2, [3]]],
      {},
      { __proto__: { polluted: 1 } },
      { constructor: { prototype: { x: 1 } } },
      '<script>',
      '../../etc/passwd',
      `groupid=${lesson.roomnum}&userid=dGVhY2hlcjE=`,
      JSON.stringify({ GroupId: String(lesson.roomnum) }),
    ];
    const recBase = recordingCallback(lesson.roomnum, 'teacher1');
    const idxBase = idxBody(lesson.roomnum);
    const before = await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) });
    const N = 1200;
    for (let i = 0; i < N; i++) {
      const cmd = pick(['recendcall', 'reccall', 'idxfileendcall'] as const);
      let body: unknown;
      const mode = rnd();
      if (mode < 0.1) body = pick(weird);
      else if (mode < 0.15)
        body = pick([
          '{',
          '}',
          '[',
          '{"a":',
          '\u0000',
          '{"t":1e309}',
          '{"__proto__":{"x":1}}',
          '['.repeat(5000),
          'null',
        ]);
      else {
        const o: Record<string, unknown> = { ...(cmd === 'idxfileendcall' ? idxBase : recBase) };
        const keys = [...Object.keys(o), 't', 'sign', '__proto__', 'constructor', 'event_type'];
        const n = 1 + Math.floor(rnd() * 4);
        for (let k = 0; k < n; k++) {
          const key = pick(keys);
          if (rnd() < 0.3) delete o[key];
          else
            Object.defineProperty(o, key, { value: pick(weird), enumerable: true, configurable: true, writable: true });
        }
        if (rnd() < 0.5) {
          o.t = pick([ctx.clock.nowS() + 600, String(ctx.clock.nowS() + 600), ctx.clock.nowS() - 1, 'abc']);
          o.sign = pick([md5('guess' + String(o.t)), 'f'.repeat(32), '', md5(KEY + 'other')]);
        }
        body = o;
      }
      const r = await s.raw('live', cmd, typeof body === 'string' ? body : JSON.stringify(body));
      expect(r.status, `case ${i}`).toBe(200);
      const j = r.json as Record<string, unknown>;
      if (cmd === 'idxfileendcall') {
        expect(j.ActionStatus, `case ${i}`).toBe('OK');
        expect(
          Number.isInteger(j.ErrorCode) && j.ErrorCode !== 0 && j.ErrorCode !== 90000,
          `case ${i}: ${r.text}`,
        ).toBe(true);
      } else {
        expect(Number.isInteger(j.code) && j.code !== 0 && j.code !== 90000, `case ${i}: ${r.text}`).toBe(true);
      }
    }
    expect(await ctx.db.select().from(recordings)).toEqual([]);
    expect(await ctx.db.query.courses.findFirst({ where: eq(courses.roomnum, lesson.roomnum) })).toEqual(before);
    // And it still serves a genuine callback.
    expect(await post(s, 'recendcall', signed(ctx, recBase))).toEqual({ code: 0 });
  });
});
