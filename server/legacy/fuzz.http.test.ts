/**
 * Fuzz over real HTTP: thousands of malformed bodies (wrong types, huge strings, deep nesting, non-JSON, unicode,
 * prototype keys, 1e309 / -0 / NaN literals) against every command. Every reply must be HTTP 200 JSON with a non-zero
 * integer errorCode that is never 90000, nothing may change in the database, and the server must keep answering.
 * Seeded PRNG: a failure names its seed and case number, and FUZZ_SEED=<n> replays it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courses, users } from '../../db/schema';
import { prng, Raw, randomText, sendRefused, serialize, type J, type Rng } from '../testing/fuzz';
import { createCourse, signUp } from '../testing/legacy-fixtures';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { createTestCtx } from '../testing/test-ctx';

const SEED = Number(process.env.FUZZ_SEED ?? 20170601);
const CASES = 3000;
const PARALLEL = 8;

const UNICODE = [
  'é',
  '课',
  '😀',
  '\u0000',
  '\u200b',
  '\ud800',
  '\udfff',
  '\u202e',
  'ﷺ',
  '\n',
  '"',
  '\\',
  '<script>',
  "'; DROP TABLE users;--",
  '%00',
  '${x}',
];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Sets an own, enumerable key even when it is `__proto__` (plain assignment would change the prototype instead). */
function setOwn(o: { [k: string]: J }, k: string, v: J): { [k: string]: J } {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const randomString = (r: Rng, maxLen: number): string => randomText(r, maxLen, UNICODE, 0.5);

/** Strings that can never be a valid integer, numeric string or valid field (non-empty letters are always present). */
function junkString(r: Rng): string {
  switch (r.int(6)) {
    case 0:
      return '';
    case 1:
      return `x${randomString(r, 20)}`;
    case 2:
      return r.pick(['NaN', 'Infinity', '-0', '1e309', '0x1F', '1_000', ' 1', '1.0', '١٢٣', 'true', 'null']);
    case 3:
      return 'A'.repeat(3000 + r.int(20_000)); // longer than every string field allows
    case 4:
      return r.pick(UNICODE).repeat(1 + r.int(5)) + 'q';
    default:
      return `${randomString(r, 8)}!@#`;
  }
}

/** A random JSON value of any shape, for noise keys and nested junk. */
function randomValue(r: Rng, depth = 0): J {
  const k = r.int(depth > 3 ? 6 : 9);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -1, 1, 2 ** 53, -(2 ** 63), 1.5, 1e-300, Number.MAX_SAFE_INTEGER + 2, 10001]);
    case 3:
      return new Raw(
        r.pick(['1e309', '-1e309', '-0', '-0.0', '1E400', '123456789012345678901234567890', '0.1e1', '5e-324']),
      );
    case 4:
      return randomString(r, 40);
    case 5:
      return junkString(r);
    case 6:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    case 7: {
      const o: { [k: string]: J } = {};
      for (let i = r.int(4); i > 0; i--)
        setOwn(o, r.chance(0.3) ? r.pick(PROTO_KEYS) : randomString(r, 10), randomValue(r, depth + 1));
      return o;
    }
    default:
      return { type: randomValue(r, depth + 1), file_name: randomValue(r, depth + 1), url: randomValue(r, depth + 1) };
  }
}

/** A value that is guaranteed invalid for an integer field of this protocol (never a positive safe integer or numeric string, never 0). */
function junkInt(r: Rng): J {
  switch (r.int(8)) {
    case 0:
      return junkString(r);
    case 1:
      return r.pick([1.5, -1, -10001, 0.0001, -(2 ** 40), 2 ** 60, 1e21]);
    case 2:
      return new Raw(r.pick(['1e309', '-1e309', '1.5e0', '-7', '99999999999999999999999']));
    case 3:
      return null;
    case 4:
      return r.chance(0.5);
    case 5:
      return [r.int(100000)];
    case 6:
      return { value: 10001 };
    default:
      return randomValue(r, 2) === null ? [] : setOwn({}, r.pick(PROTO_KEYS), 1);
  }
}

/** A value that is guaranteed invalid for a string field (non-string, empty, or longer than any limit). */
function junkText(r: Rng): J {
  switch (r.int(6)) {
    case 0:
      return '';
    case 1:
      return 'Z'.repeat(3000 + r.int(5000));
    case 2:
      return r.pick([0, 1, -1, 1.5, 10001]);
    case 3:
      return null;
    case 4:
      return [randomString(r, 5)];
    default:
      return setOwn({}, r.pick(PROTO_KEYS), randomString(r, 5));
  }
}

/** int: a non-negative id/count/enum; ts: any integer is valid (timeStamp), so only non-integers are junk. */
type FieldKind = 'int' | 'ts' | 'text' | 'token' | 'id' | 'file';
interface Spec {
  svcCmd: string;
  /** A valid body (before mutation), given a real token and room. */
  valid(tok: string, room: number): Record<string, J>;
  fields: Record<string, FieldKind>;
}

const COMMON: Record<string, FieldKind> = { appid: 'int', timeStamp: 'ts' };
const FILE = { type: 0, file_name: 'a.pdf', url: 'http://cdn/a.pdf' };
const SPECS: Spec[] = [
  {
    svcCmd: 'account/regist',
    valid: () => ({ id: 'fuzzuser', pwd: 'cHdk', role: 0 }),
    fields: { ...COMMON, id: 'id', pwd: 'text', role: 'int' },
  },
  {
    svcCmd: 'account/login',
    valid: () => ({ id: 'teacher1', pwd: 'cHdk' }),
    fields: { ...COMMON, id: 'id', pwd: 'text' },
  },
  { svcCmd: 'account/logout', valid: (tok) => ({ token: tok }), fields: { ...COMMON, token: 'token' } },
  {
    svcCmd: 'live/create',
    valid: (tok) => ({ token: tok, title: 'fuzz', cover: '' }),
    fields: { ...COMMON, token: 'token', title: 'text' },
  },
  {
    svcCmd: 'live/startcourse',
    valid: (tok, room) => ({ token: tok, roomnum: room }),
    fields: { ...COMMON, token: 'token', roomnum: 'int' },
  },
  {
    svcCmd: 'live/exitroom',
    valid: (tok, room) => ({ token: tok, roomnum: room }),
    fields: { ...COMMON, token: 'token', roomnum: 'int' },
  },
  {
    svcCmd: 'live/heartbeat',
    valid: (tok, room) => ({ token: tok, roomnum: String(room) }),
    fields: { ...COMMON, token: 'token', roomnum: 'int' },
  },
  {
    svcCmd: 'live/roomlist',
    valid: (tok) => ({
      token: tok,
      index: 0,
      size: 10,
      state: 0,
      host_uid: 'teacher1',
      from_time: 0,
      to_time: 2 ** 40,
    }),
    fields: {
      ...COMMON,
      token: 'token',
      index: 'int',
      size: 'int',
      state: 'int',
      host_uid: 'id',
      from_time: 'int',
      to_time: 'int',
      roomnum: 'int',
    },
  },
  {
    svcCmd: 'live/reportmemid',
    valid: (tok, room) => ({ token: tok, roomnum: room, operate: 0 }),
    fields: { ...COMMON, token: 'token', roomnum: 'int', operate: 'int' },
  },
  {
    svcCmd: 'live/roomidlist',
    valid: (tok, room) => ({ token: tok, roomnum: room, index: 0, size: 10 }),
    fields: { ...COMMON, token: 'token', roomnum: 'int', index: 'int', size: 'int' },
  },
  {
    svcCmd: 'live/reportbind',
    valid: (tok, room) => ({ token: tok, roomnum: room, operate: 0, bind_file: FILE }),
    fields: { ...COMMON, token: 'token', roomnum: 'int', operate: 'int', bind_file: 'file' },
  },
  {
    svcCmd: 'live/querybind',
    valid: (tok, room) => ({ token: tok, roomnum: room, index: 0, size: 10, from_time: 0 }),
    fields: { ...COMMON, token: 'token', roomnum: 'int', index: 'int', size: 'int', from_time: 'int' },
  },
];

function junkFor(kind: FieldKind, r: Rng): J {
  switch (kind) {
    case 'int':
      return junkInt(r);
    case 'ts': {
      const v = junkInt(r);
      return isJunk(v, 'ts') ? v : r.pick<J>([1.25, new Raw('-1e309'), '1700000000.5']);
    }
    case 'text':
      return junkText(r);
    case 'token':
      // Non-strings and empty → 10003; any other string is an unknown token (10009, or 10008 for logout).
      return r.chance(0.5) ? junkText(r) : randomString(r, 60) + 'tok';
    case 'id':
      return r.chance(0.5) ? junkText(r) : `${randomString(r, 5)} bad id!`;
    case 'file':
      return r.pick<J>([
        junkText(r),
        { ...FILE, type: junkInt(r) },
        { ...FILE, file_name: junkText(r) },
        { ...FILE, url: junkText(r) },
        { type: 0 },
        [FILE],
      ]);
  }
}

/** The body text of one fuzz case (always invalid somewhere). */
function fuzzBody(r: Rng, spec: Spec, tok: string, room: number, appid: number): string {
  const shape = r.int(100);
  if (shape < 12) {
    // Not a JSON object at all.
    return r.pick([
      () => randomString(r, 200),
      () => '['.repeat(100_000),
      () => '['.repeat(100_000) + ']'.repeat(100_000),
      () => '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000 - 1),
      () => serialize(randomValue(r)) + r.pick(['', ',', '}', ']']),
      () => JSON.stringify([{ appid, timeStamp: 1, token: tok }]),
      () =>
        r.pick([
          'NaN',
          '-0',
          '1e309',
          'null',
          'true',
          '""',
          '"{}"',
          'undefined',
          '\ufeff{}x',
          '{"a":1,}',
          "{'appid':1}",
        ]),
      () => Buffer.from(Array.from({ length: 64 }, () => r.int(256))).toString('latin1'),
      () => JSON.stringify({ appid, timeStamp: 1, token: tok }).slice(0, -1 - r.int(10)),
    ])();
  }
  const body: { [k: string]: J } = { appid, timeStamp: 1_700_000_000, ...spec.valid(tok, room) };
  const names = Object.keys(spec.fields);
  const mutations = 1 + r.int(3);
  for (let i = 0; i < mutations; i++) {
    const f = r.pick(names);
    if (r.chance(0.15) && f !== 'roomnum') delete body[f];
    else body[f] = junkFor(spec.fields[f]!, r);
  }
  // Some protocol fields are optional, so dropping one can make a body valid again: make sure one junk value stays.
  const required = names.filter((f) => f === 'appid' || f === 'timeStamp');
  if (!names.some((f) => Object.hasOwn(body, f) && isJunk(body[f]!, spec.fields[f]!))) {
    const f = r.pick(required);
    body[f] = junkFor(spec.fields[f]!, r);
  }
  for (let i = r.int(4); i > 0; i--)
    setOwn(body, r.chance(0.5) ? r.pick(PROTO_KEYS) : randomString(r, 12), randomValue(r));
  if (r.chance(0.05)) body.deep = new Raw('['.repeat(50_000) + ']'.repeat(50_000));
  if (r.chance(0.03)) body.huge = 'h'.repeat(200_000 + r.int(1_200_000)); // some beyond the 1 MiB body limit
  return serialize(body);
}

/** Whether a value is one the generators above produce as junk for this kind (so the body is surely invalid). */
function isJunk(v: J, kind: FieldKind): boolean {
  // timeStamp may also be a decimal string (the 2017 clients), so only other values are junk.
  if (kind === 'ts') {
    return (
      !(typeof v === 'number' && Number.isSafeInteger(v)) &&
      !(v instanceof Raw && /^-?\d{1,15}$/.test(v.text)) &&
      !(typeof v === 'string' && /^-?\d{1,15}$/.test(v))
    );
  }
  if (v instanceof Raw) return true;
  if (kind === 'int')
    return (
      !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) &&
      !(typeof v === 'string' && /^[1-9][0-9]{0,15}$/.test(v))
    );
  if (kind === 'file') return JSON.stringify(v) !== JSON.stringify(FILE);
  if (kind === 'token') return typeof v === 'string' ? v.endsWith('tok') || v === '' : true;
  if (kind === 'id') return typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(v);
  return typeof v !== 'string' || v === '' || v.length > 1024;
}

describe('fuzz: malformed bodies against every command', () => {
  const ctx = createTestCtx();
  let s: LegacyTestServer;
  let teacher: string;
  let room: number;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
    teacher = await signUp(s, 'teacher1', 1);
    room = await createCourse(s, teacher, 'fuzz target');
  });
  afterAll(() => s.close());

  it(
    `${CASES} cases (seed ${SEED}): HTTP 200 JSON, non-zero integer errorCode, never 90000, nothing changed`,
    { timeout: 240_000 },
    async () => {
      const r = prng(SEED);
      const before = { users: await ctx.db.select().from(users), courses: await ctx.db.select().from(courses) };
      const cases = Array.from({ length: CASES }, () => {
        const spec = r.pick(SPECS);
        return { svcCmd: spec.svcCmd, body: fuzzBody(r, spec, teacher, room, ctx.env.SDKAPPID) };
      });
      const started = Date.now();
      const codes = await sendRefused(
        s,
        cases,
        PARALLEL,
        (c, i, reply) => `seed ${SEED} case ${i} ${c.svcCmd}: ${c.body.slice(0, 300)} → ${reply}`,
        (res, where) => {
          expect(res.headers.get('access-control-allow-origin'), where).toBe('*');
          expect(typeof (res.json as { errorInfo: unknown }).errorInfo, where).toBe('string');
          expect(res.text, where).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        },
      );
      const ms = Date.now() - started;
      // The mix reached past the parser into every kind of refusal.
      expect([...codes.keys()].sort()).toEqual(expect.arrayContaining([10002, 10003, 10009]));
      expect({ users: await ctx.db.select().from(users), courses: await ctx.db.select().from(courses) }).toEqual(
        before,
      );
      // Still answering normal requests.
      expect((await s.call('live/roomlist', { token: teacher, index: 0, size: 10 })).errorCode).toBe(0);
      expect((await s.call('live/heartbeat', { token: teacher, roomnum: room })).errorCode).toBe(0);
      console.info(
        `fuzz: ${CASES} cases in ${ms} ms; codes ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => a[0] - b[0])))}`,
      );
    },
  );

  it(
    '1000 well-formed bodies with extreme but valid values: never 90000, always an integer code',
    { timeout: 120_000 },
    async () => {
      const r = prng(SEED ^ 0x5eed);
      const student = await signUp(s, 'stu1', 0);
      const int = () =>
        r.pick([
          0,
          1,
          2,
          49,
          50,
          10001,
          room,
          2 ** 31,
          2 ** 32 + 1,
          1_000_000_000,
          Number.MAX_SAFE_INTEGER,
          r.int(2 ** 30),
        ]);
      const pos = () => Math.max(1, int());
      const text = (max: number) => {
        const t = randomString(r, max);
        return t.length === 0 ? 'x' : t.slice(0, max);
      };
      const id = () => r.pick(['teacher1', 'stu1', 'nobody', 'A'.repeat(32), '-', '_']);
      const file = () => ({ type: r.int(2), file_name: text(256), url: text(2048) });
      const bodies: [string, () => Record<string, unknown>][] = [
        ['live/create', () => ({ title: text(128), cover: text(512) })],
        ['live/startcourse', () => ({ roomnum: pos() })],
        ['live/exitroom', () => ({ roomnum: pos() })],
        ['live/heartbeat', () => ({ roomnum: r.chance(0.5) ? pos() : String(pos()) })],
        [
          'live/roomlist',
          () => ({
            index: r.pick([0, 1_000_000_000, r.int(100)]),
            size: r.int(51),
            roomnum: pos(),
            from_time: int(),
            to_time: int(),
            host_uid: id(),
            state: r.int(4),
          }),
        ],
        ['live/roomlist', () => ({ index: r.int(3), size: 50, state: r.int(4) })],
        ['live/reportmemid', () => ({ roomnum: r.chance(0.7) ? room : pos(), operate: r.int(2) })],
        [
          'live/roomidlist',
          () => ({
            roomnum: r.chance(0.5) ? pos() : String(pos()),
            index: r.pick([0, 1_000_000_000]),
            size: r.int(51),
          }),
        ],
        ['live/reportbind', () => ({ roomnum: r.pick([0, room, pos()]), operate: r.int(2), bind_file: file() })],
        [
          'live/querybind',
          () => ({
            roomnum: r.pick([0, room, pos()]),
            index: r.pick([0, 1_000_000_000]),
            size: r.int(51),
            from_time: int(),
            to_time: int(),
          }),
        ],
      ];
      const codes = new Map<number, number>();
      for (let i = 0; i < 1000; i++) {
        const [svcCmd, make] = r.pick(bodies);
        const body = { token: r.chance(0.7) ? teacher : student, ...make() };
        const res = await s.call(svcCmd, body);
        const where = `seed ${SEED} valid case ${i} ${svcCmd}: ${JSON.stringify(body).slice(0, 300)} → ${JSON.stringify(res).slice(0, 200)}`;
        expect(Number.isInteger(res.errorCode), where).toBe(true);
        expect(res.errorCode, where).not.toBe(90000);
        expect(typeof res.errorInfo, where).toBe('string');
        codes.set(res.errorCode, (codes.get(res.errorCode) ?? 0) + 1);
      }
      // The mix reached the services: successes and domain refusals alike.
      expect([...codes.keys()]).toEqual(expect.arrayContaining([0, 10010, 10101, 10102]));
      expect((await s.call('live/roomlist', { token: teacher, index: 0, size: 1 })).errorCode).toBe(0);
      console.info(
        `fuzz (well-formed): codes ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => a[0] - b[0])))}`,
      );
    },
  );
});
