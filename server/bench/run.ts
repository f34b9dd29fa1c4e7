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
 * Scenarios (steps 1–4 each, in one run, against one echo ceiling: the echo's rounds of every scenario together):
 * SQLite with one instance always; with `--pg`, PostgreSQL with one and with `--instances N` (3) instances on one
 * database (PG_BENCH_URL, else PG_TEST_URL, else a throwaway cluster started here), printing the database's write
 * transactions per second during the heartbeat load (measured: bench-database.ts); without `--pg`, `--instances N`
 * adds SQLite with N instances on one file. Several instances share the load (load.ts runLoadSpread).
 *
 * Random deep pages (issue 15): per filter kind (none, state, host, list-time window; deep-pages.ts) two clients page
 * uniformly over the whole list while the other connections send heartbeats, both measured: what one student
 * scrolling a million-course list does to every live class on the box. `--courses 1000000` seeds a million rows in
 * seconds (seed.ts: one INSERT … SELECT over a generated series).
 *
 * Options: --students N (256) --courses N (10000) --duration S (10) --connections N (64) --warmup S (2)
 *          --profile (the server runs with --cpu-prof; profiles land in server/bench/results/profiles/; summarise one with
 *          `tsx server/bench/profile-summary.ts <file>`) --only heartbeat,roomlist,deep (skip the other loads)
 *          --pg --instances N.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startInstances, type InstanceGroup } from '../testing/instances';
import { RoundRobinClient } from '../testing/round-robin-client';
import { openBenchCluster, sqliteBenchDatabase, type BenchCluster, type BenchDatabase } from './bench-database';
import { runLoadSpread, type LoadResult, type LoadSpec } from './load';
import { ROOT, startChild, type Child } from './processes';
import type { Account } from './seed';
import { DEEP_KINDS, deepBodies, deepFilters, type DeepKind } from './deep-pages';

const APPID = 1400000000;
const BARS = { heartbeatRatioMin: 0.3, heartbeatRatioGoal: 0.5, heartbeatP99MaxMs: 50, roomlistMinReqPerSec: 4300 };
/** Issue 15: random deep pages and the heartbeats sent meanwhile, p99 on the 2-core box; PostgreSQL roomlist vs echo. */
const DEEP_BARS = { deepRoomlistP99MaxMs: 50, heartbeatDuringDeepP99MaxMs: 50, pgRoomlistRatioMin: 0.5 };
/** The clients paging randomly during the deep loads (the issue's "two clients"); the other connections beat. */
const DEEP_CLIENTS = 2;
/** Issue 10's bars, checked with --pg: PostgreSQL one instance vs echo; SQLite must keep its speed; coalesced presence. */
const PG_BARS = { pgHeartbeatRatioMin: 0.3, sqliteHeartbeatRatioMin: 0.45, writesPerInstancePerSecMax: 1.5 };
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
    pg: { type: 'boolean', default: false },
    instances: { type: 'string' },
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
  pg: args.pg === true,
  instances: positiveInt('instances', args.instances ?? '3'),
};
const wanted = (name: 'heartbeat' | 'roomlist' | 'deep') => cfg.only === null || cfg.only.has(name);
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

interface Scenario {
  label: string;
  engine: 'sqlite' | 'pg';
  instances: number;
}

function scenarios(): Scenario[] {
  const list: Scenario[] = [{ label: 'SQLite ×1', engine: 'sqlite', instances: 1 }];
  if (cfg.pg) {
    list.push({ label: 'PostgreSQL ×1', engine: 'pg', instances: 1 });
    list.push({ label: `PostgreSQL ×${cfg.instances}`, engine: 'pg', instances: cfg.instances });
  } else if (args.instances !== undefined && cfg.instances > 1) {
    list.push({ label: `SQLite ×${cfg.instances}`, engine: 'sqlite', instances: cfg.instances });
  }
  return list;
}

/** Calls a command through the balancer; throws unless it succeeded. */
async function call(
  c: RoundRobinClient,
  svcCmd: string,
  body: Record<string, unknown>,
): Promise<{ errorCode: number; errorInfo: string; data?: Record<string, unknown> }> {
  const reply = await c.call(svcCmd, body);
  if (reply.errorCode !== 0)
    throw new Error(`${svcCmd} on instance ${reply.instance}: ${reply.errorCode} ${reply.errorInfo}`);
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

/** A load target: one URL (the echo) or the instances of a scenario (spread over them). */
type Spec = Omit<LoadSpec, 'connections' | 'durationS' | 'url'> & { urls: string[] };

function report(r: LoadResult): void {
  step(
    `${r.name}: ${r.reqPerSec} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (${r.total} requests, server CPU ${r.serverCpuUsPerReq ?? '?'} µs/req)`,
  );
}

const load = (spec: Spec, durationS: number) =>
  runLoadSpread({ ...spec, url: spec.urls[0]!, connections: cfg.connections, durationS });

async function measure(spec: Spec): Promise<LoadResult> {
  if (cfg.warmupS > 0) await load(spec, cfg.warmupS);
  const r = await load(spec, cfg.durationS);
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
 * Measures the echo and the heartbeat in alternating halves (A B A B), so the ceiling and the path compared with it
 * see the same background load even on a shared machine; each still gets `duration` seconds in total. `writes`
 * reads the database's write counter around each heartbeat half (null where the engine has none).
 */
async function measureAlternating(
  echo: Spec,
  heartbeat: Spec,
  writes: () => Promise<number | null>,
): Promise<{ echo: LoadResult; heartbeat: LoadResult; writesPerSec: number | null }> {
  if (cfg.warmupS > 0) for (const spec of [echo, heartbeat]) await load(spec, cfg.warmupS);
  const echoRounds: LoadResult[] = [];
  const hbRounds: LoadResult[] = [];
  let written: number | null = 0;
  const half = cfg.durationS / 2;
  for (let round = 0; round < 2; round++) {
    echoRounds.push(await load(echo, half));
    const before = await writes();
    hbRounds.push(await load(heartbeat, half));
    const after = await writes();
    written = written === null || before === null || after === null ? null : written + (after - before);
  }
  const out = { echo: combine(echoRounds), heartbeat: combine(hbRounds) };
  report(out.echo);
  report(out.heartbeat);
  const seconds = out.heartbeat.durationS;
  return { ...out, writesPerSec: written === null || seconds === 0 ? null : Math.round((written / seconds) * 10) / 10 };
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

function fmt(n: number | string, width: number): string {
  return String(n).padStart(width);
}

interface DeepResult {
  kind: DeepKind;
  roomlist: LoadResult;
  heartbeat: LoadResult;
}

interface ScenarioResult {
  scenario: Scenario;
  deep: DeepResult[];
  echo: LoadResult;
  heartbeat: LoadResult;
  roomlist: LoadResult;
  /** Database write transactions per second during the heartbeat load (PostgreSQL); null on SQLite. */
  heartbeatWritesPerSec: number | null;
  members: number;
  membersAfter: number;
  exitCodes: (number | null)[];
}

/** Steps 1–4 for one scenario: seed its database, start its instances, set up the live course, load it. */
async function runScenario(
  sc: Scenario,
  db: BenchDatabase,
  echo: Child,
  dir: string,
  profDir: string | undefined,
): Promise<ScenarioResult> {
  console.log(
    `\n${sc.label}: ${sc.instances} × server/start.ts --legacy-only on ${sc.engine === 'pg' ? 'PostgreSQL' : db.url}`,
  );
  step('seeding');
  const nowS = Math.floor(Date.now() / 1000);
  const seedStarted = Date.now();
  const seeded = await db.seed({ appid: APPID, students: cfg.students, courses: cfg.courses, nowS });
  step(`seeded ${cfg.courses} courses in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
  let group: InstanceGroup | null = null;
  try {
    group = await startInstances({
      count: sc.instances,
      databaseUrl: db.url,
      dir: path.join(dir, sc.label.replace(/\W+/g, '-')),
      env: { LOG_LEVEL: 'warn', SDKAPPID: String(APPID), IM_PROVIDER: 'local' },
      cpuProfDir: profDir,
    });
    const g = group;
    step(`${sc.instances} instance(s) up at ${g.urls.join(', ')}`);
    const c = new RoundRobinClient(g.urls, APPID);
    const { teacher, students } = seeded;
    const created = await call(c, 'live/create', { token: teacher.token, title: 'Bench live course' });
    const roomnum = Number(created.data!.roomnum);
    await call(c, 'live/startcourse', { token: teacher.token, roomnum });
    await pool(students, 16, (s) => call(c, 'live/reportmemid', { token: s.token, roomnum, operate: 0 }));
    const ids = await call(c, 'live/roomidlist', { token: teacher.token, roomnum, index: 0, size: 1 });
    const inRoom = Number(ids.data!.total);
    const list = await call(c, 'live/roomlist', { token: teacher.token, index: 0, size: 1 });
    step(`course ${roomnum} live with ${inRoom} members; roomlist total ${String(list.data!.total)}`);
    if (inRoom !== students.length + 1)
      throw new Error(`expected ${students.length + 1} members in the room, got ${inRoom}`);

    const members = [teacher, ...students];
    const cpuMs = () => {
      const each = g.instances.map((i) => i.child.cpuMs());
      return each.every((v) => v !== null) ? each.reduce((s, v) => s + (v ?? 0), 0) : null;
    };
    const hbBodies = heartbeatBodies(members, roomnum);
    const echoSpec: Spec = {
      name: 'echo (node:http ceiling)',
      urls: [echo.url],
      path: '/index.php?svc=live&cmd=heartbeat',
      bodies: hbBodies,
      ok: (b) => b.startsWith(ENVELOPE_OK),
      cpuMs: echo.cpuMs,
    };
    const hbSpec: Spec = {
      name: `${sc.label} live/heartbeat`,
      urls: g.urls,
      path: '/index.php?svc=live&cmd=heartbeat',
      bodies: hbBodies,
      ok: (b) => b === HEARTBEAT_OK,
      cpuMs,
    };
    const alt = wanted('heartbeat')
      ? await measureAlternating(echoSpec, hbSpec, () => db.writeTransactions())
      : {
          echo: await measure(echoSpec),
          heartbeat: { ...SKIPPED, name: `${sc.label} live/heartbeat (skipped)` },
          writesPerSec: null,
        };
    if (alt.writesPerSec !== null)
      step(
        `database write transactions during the heartbeat load: ${alt.writesPerSec}/s (${sc.instances} instance(s))`,
      );

    const roomlist = !wanted('roomlist')
      ? { ...SKIPPED, name: `${sc.label} live/roomlist (skipped)` }
      : await measure({
          name: `${sc.label} live/roomlist`,
          urls: g.urls,
          path: '/index.php?svc=live&cmd=roomlist',
          bodies: roomlistBodies(members),
          ok: (b) => b.startsWith(ENVELOPE_OK),
          cpuMs,
        });

    // Random deep pages by two clients while everyone else beats (the heartbeat spec, fewer connections).
    const deep: DeepResult[] = [];
    if (wanted('deep')) {
      for (const [k, kind] of DEEP_KINDS.entries()) {
        const filters = deepFilters(kind, { hosts: seeded.hosts, nowS });
        const totals: number[] = [];
        for (const f of filters) {
          const r = await call(c, 'live/roomlist', { token: teacher.token, index: 0, size: 1, ...f });
          totals.push(Number(r.data!.total));
        }
        const rlSpec: Spec = {
          name: `${sc.label} roomlist deep ${kind}`,
          urls: g.urls,
          path: '/index.php?svc=live&cmd=roomlist',
          bodies: deepBodies(APPID, members, filters, totals, 4000, 15 + k),
          ok: (b) => b.startsWith(ENVELOPE_OK) && b.includes('"rooms":[{'),
        };
        const hbDuring: Spec = { ...hbSpec, name: `${sc.label} heartbeat during deep ${kind}`, cpuMs: undefined };
        const both = (durationS: number) =>
          Promise.all([
            runLoadSpread({ ...rlSpec, url: g.urls[0]!, connections: DEEP_CLIENTS, durationS }),
            runLoadSpread({
              ...hbDuring,
              url: g.urls[0]!,
              connections: Math.max(1, cfg.connections - DEEP_CLIENTS),
              durationS,
            }),
          ]);
        // The warm-up builds the filters' anchors (the first deep read after a change of order pays that walk).
        if (cfg.warmupS > 0) await both(cfg.warmupS);
        const [roomlistDeep, heartbeatDuring] = await both(cfg.durationS);
        report(roomlistDeep);
        report(heartbeatDuring);
        deep.push({ kind, roomlist: roomlistDeep, heartbeat: heartbeatDuring });
      }
    }

    // The load changed nobody's membership, and every instance still answers.
    const after = await call(c, 'live/roomidlist', { token: teacher.token, roomnum, index: 0, size: 1 });
    const membersAfter = Number(after.data!.total);
    const exitCodes = await g.stop();
    group = null;
    return {
      scenario: sc,
      echo: alt.echo,
      heartbeat: alt.heartbeat,
      roomlist,
      deep,
      heartbeatWritesPerSec: alt.writesPerSec,
      members: members.length,
      membersAfter,
      exitCodes,
    };
  } finally {
    await group?.stop();
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edu-bench-'));
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const profDir = cfg.profile ? path.join(RESULTS_DIR, 'profiles') : undefined;
  if (profDir) fs.mkdirSync(profDir, { recursive: true });
  const plan = scenarios();

  console.log(`Bench on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  console.log(
    `Config: ${cfg.students} students, ${cfg.courses} catalogue courses, ${cfg.connections} connections, ${cfg.durationS} s per load (+${cfg.warmupS} s warm-up)`,
  );
  console.log(`Scenarios: ${plan.map((s) => s.label).join(', ')}`);
  console.log(
    'Server: node --import tsx server/start.ts --legacy-only (the npm start entry serving /index.php without Next)',
  );

  const children: Child[] = [];
  let cluster: BenchCluster | null = null;
  try {
    if (cfg.pg) {
      cluster = await openBenchCluster();
      console.log(`PostgreSQL: ${cluster.describe}`);
    }
    const echo = await startChild({ entry: 'server/bench/echo-server.ts', env: {} });
    children.push(echo);
    const results: ScenarioResult[] = [];
    for (const sc of plan) {
      const db =
        sc.engine === 'pg' ? await cluster!.database() : sqliteBenchDatabase(dir, sc.label.replace(/\W+/g, '-'));
      results.push(await runScenario(sc, db, echo, dir, profDir));
    }
    await echo.stop();
    children.pop();

    // One ceiling for every scenario: the echo's rounds of all of them, which interleaved with their heartbeats.
    const ceiling = { ...combine(results.map((r) => r.echo)), name: 'echo (node:http ceiling)' };
    const ratio = (r: LoadResult) => (ceiling.reqPerSec > 0 ? r.reqPerSec / ceiling.reqPerSec : 0);
    const base = results[0]!;
    const pg1 = results.find((r) => r.scenario.engine === 'pg' && r.scenario.instances === 1);

    const failedReplies = [
      ceiling,
      ...results.flatMap((r) => [r.heartbeat, r.roomlist, ...r.deep.flatMap((d) => [d.roomlist, d.heartbeat])]),
    ].reduce((n, r) => n + r.non2xx + r.badReplies + r.errors, 0);
    const baseRatio = ratio(base.heartbeat);
    const checks: { bar: string; value: string; pass: boolean; goal?: boolean }[] = [
      {
        bar: `SQLite heartbeat ≥ ${BARS.heartbeatRatioMin * 100} % of ceiling (goal ${BARS.heartbeatRatioGoal * 100} %)`,
        value: `${(baseRatio * 100).toFixed(1)} %`,
        pass: baseRatio >= BARS.heartbeatRatioMin,
        goal: baseRatio >= BARS.heartbeatRatioGoal,
      },
      {
        bar: `SQLite heartbeat p99 < ${BARS.heartbeatP99MaxMs} ms at ${cfg.connections} connections`,
        value: `${base.heartbeat.p99Ms} ms`,
        pass: base.heartbeat.p99Ms < BARS.heartbeatP99MaxMs,
      },
      {
        bar: `SQLite roomlist ≥ ${BARS.roomlistMinReqPerSec} req/s over ${cfg.courses} courses`,
        value: `${base.roomlist.reqPerSec} req/s`,
        pass: base.roomlist.reqPerSec >= BARS.roomlistMinReqPerSec,
      },
    ];
    if (cfg.pg) {
      checks.push({
        bar: `SQLite heartbeat ≥ ${PG_BARS.sqliteHeartbeatRatioMin * 100} % of ceiling (issue 10)`,
        value: `${(baseRatio * 100).toFixed(1)} %`,
        pass: baseRatio >= PG_BARS.sqliteHeartbeatRatioMin,
      });
      if (pg1)
        checks.push({
          bar: `PostgreSQL ×1 heartbeat ≥ ${PG_BARS.pgHeartbeatRatioMin * 100} % of ceiling`,
          value: `${(ratio(pg1.heartbeat) * 100).toFixed(1)} %`,
          pass: ratio(pg1.heartbeat) >= PG_BARS.pgHeartbeatRatioMin,
        });
      for (const r of results.filter((x) => x.scenario.engine === 'pg' && wanted('heartbeat'))) {
        const max = PG_BARS.writesPerInstancePerSecMax * r.scenario.instances;
        checks.push({
          bar: `${r.scenario.label}: DB write transactions ≤ ${max}/s under heartbeat load (≈ 1 per instance per second)`,
          value: `${r.heartbeatWritesPerSec ?? '?'}/s`,
          pass: r.heartbeatWritesPerSec !== null && r.heartbeatWritesPerSec <= max,
        });
      }
    }
    for (const r of results) {
      for (const d of r.deep) {
        checks.push({
          bar: `${r.scenario.label}: random deep pages (${d.kind}) p99 ≤ ${DEEP_BARS.deepRoomlistP99MaxMs} ms over ${cfg.courses} courses`,
          value: `${d.roomlist.p99Ms} ms`,
          pass: d.roomlist.p99Ms <= DEEP_BARS.deepRoomlistP99MaxMs,
        });
        checks.push({
          bar: `${r.scenario.label}: heartbeat p99 ≤ ${DEEP_BARS.heartbeatDuringDeepP99MaxMs} ms while ${DEEP_CLIENTS} clients page (${d.kind})`,
          value: `${d.heartbeat.p99Ms} ms`,
          pass: d.heartbeat.p99Ms <= DEEP_BARS.heartbeatDuringDeepP99MaxMs,
        });
      }
      if (r.scenario.engine === 'pg' && r.scenario.instances === 1 && wanted('roomlist'))
        checks.push({
          bar: `${r.scenario.label} roomlist ≥ ${DEEP_BARS.pgRoomlistRatioMin}× the ceiling (issue 15)`,
          value: `${ratio(r.roomlist).toFixed(2)}×`,
          pass: ratio(r.roomlist) >= DEEP_BARS.pgRoomlistRatioMin,
        });
    }
    checks.push(
      {
        bar: 'every reply 2xx with errorCode 0, no connection errors',
        value: `${failedReplies} failed`,
        pass: failedReplies === 0,
      },
      {
        bar: 'room membership unchanged by the load',
        value: results.map((r) => `${r.membersAfter}/${r.members}`).join(', '),
        pass: results.every((r) => r.membersAfter === r.members),
      },
      {
        bar: 'every server shut down cleanly',
        value: `exit ${results.flatMap((r) => r.exitCodes).join(',')}`,
        pass: results.every((r) => r.exitCodes.every((c) => c === 0)),
      },
    );

    console.log('');
    console.log(
      'target                                        req/s  ×ceiling  p50 ms  p99 ms  max ms    total  non2xx  bad  errors  CPU µs/req  DB writes/s',
    );
    const row = (r: LoadResult, writes: number | null | undefined) =>
      console.log(
        `${r.name.padEnd(44)}${fmt(r.reqPerSec, 7)}${fmt(ratio(r).toFixed(2), 10)}${fmt(r.p50Ms, 8)}${fmt(r.p99Ms, 8)}${fmt(r.maxMs, 8)}${fmt(r.total, 9)}${fmt(r.non2xx, 8)}${fmt(r.badReplies, 5)}${fmt(r.errors, 8)}${fmt(r.serverCpuUsPerReq ?? '?', 12)}${fmt(writes === undefined ? '' : (writes ?? '–'), 13)}`,
      );
    row(ceiling, undefined);
    for (const r of results) {
      row(r.heartbeat, r.heartbeatWritesPerSec);
      row(r.roomlist, undefined);
      for (const d of r.deep) {
        row(d.roomlist, undefined);
        row(d.heartbeat, undefined);
      }
    }
    console.log(
      `\nheartbeat / ceiling: ${results.map((r) => `${r.scenario.label} ${(ratio(r.heartbeat) * 100).toFixed(1)} %`).join(', ')}`,
    );
    if (base.heartbeat.total > 0) {
      // Context for the heartbeat number: a member stores one beat per second, so beats beyond the first in a second
      // skip their write. Real clients beat every 3 s, where every beat writes; raise --students to approach that.
      const perMember = base.heartbeat.reqPerSec / base.members;
      console.log(
        `each of the ${base.members} members beat ${perMember.toFixed(1)}×/s (real clients: every 3 s); at most ${Math.round(Math.min(1, 1 / perMember) * 100)} % of beats wrote (SQLite ×1)`,
      );
    }
    console.log('');
    for (const c of checks) {
      const mark = c.pass ? (c.goal === false ? 'PASS (below goal)' : 'PASS') : 'FAIL';
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
        only: cfg.only ? [...cfg.only] : null,
        server: 'node --import tsx server/start.ts --legacy-only',
        echo: 'node --import tsx server/bench/echo-server.ts',
      },
      // SQLite with one instance, as before scenarios existed; the ceiling is the one every scenario is compared with.
      results: { echo: ceiling, heartbeat: base.heartbeat, roomlist: base.roomlist },
      heartbeatToCeiling: Math.round(baseRatio * 1000) / 1000,
      scenarios: results.map((r) => ({
        label: r.scenario.label,
        engine: r.scenario.engine,
        instances: r.scenario.instances,
        heartbeat: r.heartbeat,
        roomlist: r.roomlist,
        heartbeatToCeiling: Math.round(ratio(r.heartbeat) * 1000) / 1000,
        roomlistToCeiling: Math.round(ratio(r.roomlist) * 1000) / 1000,
        deep: r.deep,
        heartbeatDbWritesPerSec: r.heartbeatWritesPerSec,
        echoRounds: r.echo,
      })),
      bars: { ...BARS, ...DEEP_BARS, ...(cfg.pg ? PG_BARS : {}) },
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
    await cluster?.stop();
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
