/**
 * `npm run bench`: the protocol's hot paths under load, against the machine's own ceiling measured in the same run.
 *
 *   1. Seeds a temp SQLite file: a teacher + N students with their own tokens, and a catalogue of courses.
 *   2. Starts the production server entry (server/start.ts --legacy-only: `npm start`'s node:http server and legacy
 *      door, without Next, which /index.php never goes through) as a child process on that database, LOG_LEVEL=warn.
 *   3. Over the protocol: the teacher creates and starts a course, every student enters it.
 *   4. Loads with autocannon (same connections and total duration each, after a short warm-up): a bare node:http JSON
 *      echo (its own child process: the ceiling) and live/heartbeat rotating over every member's token, in
 *      alternating halves so both see the same background load; then live/roomlist rotating over tokens and pages
 *      of the catalogue.
 *   5. Prints req/s, p50, p99, the heartbeat/ceiling ratio and pass/fail against the bars; writes
 *      server/bench/results/latest.json. Exits non-zero when a bar is missed or any reply was an error.
 *
 * Options: --students N (256) --courses N (10000) --duration S (10) --connections N (64) --warmup S (2)
 *          --profile (the server runs with --cpu-prof; profiles land in server/bench/results/profiles/; summarise one with
 *          `tsx server/bench/profile-summary.ts <file>`) --only heartbeat|roomlist (skip the other load).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, type LoadResult, type LoadSpec } from './load';
import { ROOT, startChild, type Child } from './processes';
import { seedDatabase, type Account } from './seed';

const APPID = 1400000000;
const BARS = { heartbeatRatioMin: 0.3, heartbeatRatioGoal: 0.5, heartbeatP99MaxMs: 50, roomlistMinReqPerSec: 4300 };
const HEARTBEAT_OK = '{"errorCode":0,"errorInfo":""}';
const ENVELOPE_OK = '{"errorCode":0,';

const { values: args } = parseArgs({
  options: {
    students: { type: 'string', default: '256' },
    courses: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '2' },
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const positiveInt = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got ${v})`);
  return n;
};
const cfg = {
  students: positiveInt('students', args.students),
  courses: positiveInt('courses', args.courses),
  durationS: positiveInt('duration', args.duration),
  connections: positiveInt('connections', args.connections),
  warmupS: Number(args.warmup ?? 2),
  profile: args.profile === true,
  /** Skip loads not named here (for profiling one path); the echo ceiling always runs. */
  only: args.only ? new Set(args.only.split(',')) : null,
};
const wanted = (name: 'heartbeat' | 'roomlist') => cfg.only === null || cfg.only.has(name);
const SKIPPED: LoadResult = {
  name: 'skipped',
  reqPerSec: 0,
  p50Ms: 0,
  p99Ms: 0,
  maxMs: 0,
  total: 0,
  non2xx: 0,
  badReplies: 0,
  errors: 0,
  durationS: 0,
  serverCpuUsPerReq: null,
};

const RESULTS_DIR = path.join(ROOT, 'server', 'bench', 'results');

async function call(
  base: string,
  svcCmd: string,
  body: Record<string, unknown>,
): Promise<{ errorCode: number; errorInfo: string; data?: Record<string, unknown> }> {
  const [svc, cmd] = svcCmd.split('/');
  const res = await fetch(`${base}/index.php?svc=${svc}&cmd=${cmd}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appid: APPID, timeStamp: Math.floor(Date.now() / 1000), ...body }),
  });
  const reply = (await res.json()) as { errorCode: number; errorInfo: string; data?: Record<string, unknown> };
  if (reply.errorCode !== 0) throw new Error(`${svcCmd}: ${reply.errorCode} ${reply.errorInfo}`);
  return reply;
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

function step(msg: string): void {
  process.stdout.write(`• ${msg}\n`);
}

type Spec = Omit<LoadSpec, 'connections' | 'durationS'>;

function report(r: LoadResult): void {
  step(
    `${r.name}: ${r.reqPerSec} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (${r.total} requests, server CPU ${r.serverCpuUsPerReq ?? '?'} µs/req)`,
  );
}

async function measure(spec: Spec): Promise<LoadResult> {
  if (cfg.warmupS > 0) await runLoad({ ...spec, connections: cfg.connections, durationS: cfg.warmupS });
  const r = await runLoad({ ...spec, connections: cfg.connections, durationS: cfg.durationS });
  report(r);
  return r;
}

/** Merges rounds of one target: counts add up; p50/p99/max are the worst round's (conservative, not re-estimated). */
function combine(rounds: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => rounds.reduce((n, r) => n + f(r), 0);
  const worst = (f: (r: LoadResult) => number) => Math.max(...rounds.map(f));
  const total = sum((r) => r.total);
  const cpuKnown = rounds.every((r) => r.serverCpuUsPerReq !== null);
  return {
    name: rounds[0]!.name,
    reqPerSec: Math.round(total / sum((r) => r.durationS)),
    p50Ms: worst((r) => r.p50Ms),
    p99Ms: worst((r) => r.p99Ms),
    maxMs: worst((r) => r.maxMs),
    total,
    non2xx: sum((r) => r.non2xx),
    badReplies: sum((r) => r.badReplies),
    errors: sum((r) => r.errors),
    durationS: sum((r) => r.durationS),
    serverCpuUsPerReq:
      cpuKnown && total > 0 ? Math.round(sum((r) => (r.serverCpuUsPerReq ?? 0) * r.total) / total) : null,
  };
}

/**
 * Measures targets in alternating halves (A B A B), so a ceiling and the path compared with it see the same
 * background load even on a shared machine; each still gets `duration` seconds in total.
 */
async function measureAlternating(specs: Spec[]): Promise<LoadResult[]> {
  if (cfg.warmupS > 0)
    for (const spec of specs) await runLoad({ ...spec, connections: cfg.connections, durationS: cfg.warmupS });
  const rounds: LoadResult[][] = specs.map(() => []);
  const half = cfg.durationS / 2;
  for (let round = 0; round < 2; round++) {
    for (const [i, spec] of specs.entries())
      rounds[i]!.push(await runLoad({ ...spec, connections: cfg.connections, durationS: half }));
  }
  const out = rounds.map(combine);
  out.forEach(report);
  return out;
}

function heartbeatBodies(members: Account[], roomnum: number): string[] {
  // Half send roomnum as a numeric string, as the 2017 clients do.
  return members.map((m, i) =>
    JSON.stringify({
      appid: APPID,
      timeStamp: 1_700_000_000 + i,
      token: m.token,
      roomnum: i % 2 ? String(roomnum) : roomnum,
    }),
  );
}

function roomlistBodies(members: Account[]): string[] {
  return members.map((m, i) =>
    JSON.stringify({ appid: APPID, timeStamp: 1_700_000_000 + i, token: m.token, index: (i % 10) * 20, size: 20 }),
  );
}

function fmt(n: number, width: number): string {
  return String(n).padStart(width);
}

async function main(): Promise<number> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edu-bench-'));
  const dbFile = path.join(dir, 'bench.db');
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const profDir = cfg.profile ? path.join(RESULTS_DIR, 'profiles') : undefined;
  if (profDir) fs.mkdirSync(profDir, { recursive: true });

  console.log(`Bench on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  console.log(
    `Config: ${cfg.students} students, ${cfg.courses} catalogue courses, ${cfg.connections} connections, ${cfg.durationS} s per load (+${cfg.warmupS} s warm-up)`,
  );
  console.log(
    'Server: node --import tsx server/start.ts --legacy-only (the npm start entry serving /index.php without Next)\n',
  );

  step(`seeding ${dbFile}`);
  const seeded = await seedDatabase(dbFile, {
    appid: APPID,
    students: cfg.students,
    courses: cfg.courses,
    nowS: Math.floor(Date.now() / 1000),
  });

  const children: Child[] = [];
  try {
    const server = await startChild({
      entry: 'server/start.ts',
      args: ['--legacy-only'],
      env: {
        DATABASE_URL: `file:${dbFile}`,
        LOG_LEVEL: 'warn',
        SDKAPPID: String(APPID),
        IM_PROVIDER: 'local',
        STORAGE_DIR: path.join(dir, 'storage'),
      },
      cpuProfDir: profDir,
    });
    children.push(server);
    step(`server up at ${server.url}`);

    const { teacher, students } = seeded;
    const created = await call(server.url, 'live/create', { token: teacher.token, title: 'Bench live course' });
    const roomnum = Number(created.data!.roomnum);
    await call(server.url, 'live/startcourse', { token: teacher.token, roomnum });
    await pool(students, 16, (s) => call(server.url, 'live/reportmemid', { token: s.token, roomnum, operate: 0 }));
    const ids = await call(server.url, 'live/roomidlist', { token: teacher.token, roomnum, index: 0, size: 1 });
    const inRoom = Number(ids.data!.total);
    const list = await call(server.url, 'live/roomlist', { token: teacher.token, index: 0, size: 1 });
    step(`course ${roomnum} live with ${inRoom} members; roomlist total ${String(list.data!.total)}`);
    if (inRoom !== students.length + 1)
      throw new Error(`expected ${students.length + 1} members in the room, got ${inRoom}`);

    const echo = await startChild({ entry: 'server/bench/echo-server.ts', env: {} });
    children.push(echo);
    const members = [teacher, ...students];
    const hbBodies = heartbeatBodies(members, roomnum);
    const echoSpec: Spec = {
      name: 'echo (node:http ceiling)',
      url: echo.url,
      path: '/index.php?svc=live&cmd=heartbeat',
      bodies: hbBodies,
      ok: (b) => b.startsWith(ENVELOPE_OK),
      cpuMs: echo.cpuMs,
    };
    const hbSpec: Spec = {
      name: 'live/heartbeat',
      url: server.url,
      path: '/index.php?svc=live&cmd=heartbeat',
      bodies: hbBodies,
      ok: (b) => b === HEARTBEAT_OK,
      cpuMs: server.cpuMs,
    };
    const [echoResult, heartbeat] = wanted('heartbeat')
      ? ((await measureAlternating([echoSpec, hbSpec])) as [LoadResult, LoadResult])
      : [await measure(echoSpec), { ...SKIPPED, name: 'live/heartbeat (skipped)' }];
    await echo.stop();
    children.splice(children.indexOf(echo), 1);

    const roomlist = !wanted('roomlist')
      ? { ...SKIPPED, name: 'live/roomlist (skipped)' }
      : await measure({
          name: 'live/roomlist',
          url: server.url,
          path: '/index.php?svc=live&cmd=roomlist',
          bodies: roomlistBodies(members),
          ok: (b) => b.startsWith(ENVELOPE_OK),
          cpuMs: server.cpuMs,
        });

    // The load changed nobody's membership, and the server still answers.
    const after = await call(server.url, 'live/roomidlist', { token: teacher.token, roomnum, index: 0, size: 1 });
    const membersAfter = Number(after.data!.total);
    const serverExit = await server.stop();
    children.pop();

    const ratio = heartbeat.reqPerSec / echoResult.reqPerSec;
    const results = [echoResult, heartbeat, roomlist];
    const failedReplies = results.reduce((n, r) => n + r.non2xx + r.badReplies + r.errors, 0);
    const checks = [
      {
        bar: `heartbeat ≥ ${BARS.heartbeatRatioMin * 100} % of ceiling (goal ${BARS.heartbeatRatioGoal * 100} %)`,
        value: `${(ratio * 100).toFixed(1)} %`,
        pass: ratio >= BARS.heartbeatRatioMin,
        goal: ratio >= BARS.heartbeatRatioGoal,
      },
      {
        bar: `heartbeat p99 < ${BARS.heartbeatP99MaxMs} ms at ${cfg.connections} connections`,
        value: `${heartbeat.p99Ms} ms`,
        pass: heartbeat.p99Ms < BARS.heartbeatP99MaxMs,
      },
      {
        bar: `roomlist ≥ ${BARS.roomlistMinReqPerSec} req/s over ${cfg.courses} courses`,
        value: `${roomlist.reqPerSec} req/s`,
        pass: roomlist.reqPerSec >= BARS.roomlistMinReqPerSec,
      },
      {
        bar: 'every reply 2xx with errorCode 0, no connection errors',
        value: `${failedReplies} failed`,
        pass: failedReplies === 0,
      },
      {
        bar: 'room membership unchanged by the load',
        value: `${membersAfter} members`,
        pass: membersAfter === members.length,
      },
      { bar: 'server shut down cleanly', value: `exit ${serverExit}`, pass: serverExit === 0 },
    ];

    console.log('');
    console.log(
      'target                      req/s   p50 ms   p99 ms   max ms    total  non2xx  bad  errors  server CPU µs/req',
    );
    for (const r of results) {
      console.log(
        `${r.name.padEnd(26)}${fmt(r.reqPerSec, 7)}${fmt(r.p50Ms, 9)}${fmt(r.p99Ms, 9)}${fmt(r.maxMs, 9)}${fmt(r.total, 9)}${fmt(r.non2xx, 8)}${fmt(r.badReplies, 5)}${fmt(r.errors, 8)}${fmt(r.serverCpuUsPerReq ?? 0, 19)}`,
      );
    }
    console.log(`\nheartbeat / ceiling = ${(ratio * 100).toFixed(1)} %`);
    if (heartbeat.total > 0) {
      // Context for the heartbeat number: a member stores one beat per second, so beats beyond the first in a second
      // skip their write. Real clients beat every 3 s, where every beat writes; raise --students to approach that.
      const perMember = heartbeat.reqPerSec / members.length;
      console.log(
        `each of the ${members.length} members beat ${perMember.toFixed(1)}×/s (real clients: every 3 s); at most ${Math.round(Math.min(1, 1 / perMember) * 100)} % of beats wrote`,
      );
    }
    console.log('');
    for (const c of checks) {
      const mark = c.pass ? ('goal' in c && !c.goal ? 'PASS (below goal)' : 'PASS') : 'FAIL';
      console.log(`${mark.padEnd(18)} ${c.bar}: ${c.value}`);
    }
    const allPass = checks.every((c) => c.pass);
    const out = {
      at: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? '',
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
      },
      config: {
        ...cfg,
        server: 'node --import tsx server/start.ts --legacy-only',
        echo: 'node --import tsx server/bench/echo-server.ts',
      },
      results: { echo: echoResult, heartbeat, roomlist },
      heartbeatToCeiling: Math.round(ratio * 1000) / 1000,
      bars: BARS,
      checks,
      pass: allPass,
      wallS: Math.round((Date.now() - started) / 100) / 10,
    };
    fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(
      `\n${allPass ? 'All bars met.' : 'Some bars missed.'} Wrote server/bench/results/latest.json (${out.wallS} s)${profDir ? `; CPU profiles in ${path.relative(ROOT, profDir)}/` : ''}`,
    );
    return allPass ? 0 : 1;
  } finally {
    for (const c of children.reverse()) await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
