/**
 * Several production server processes on one database, as a load balancer would see them: each is `server/start.ts`
 * (the `npm start` entry; `--legacy-only` by default, which skips Next and serves /index.php and /storage/ exactly as
 * `npm start` does) in its own Node process on its own free port, all with the same DATABASE_URL, secrets file,
 * storage folder and settings. Used by the multi-instance protocol test and the bench.
 *
 * The first instance starts alone and the others after it answers: on SQLite, drizzle's migrator reads its journal
 * before it takes the write lock, so two first starts on a fresh file may both try to apply the same migration.
 * Instances after the first find the database migrated (on PostgreSQL, migrations run under an advisory lock anyway).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startChild, type Child } from '../bench/processes';

export interface InstancesOptions {
  count: number;
  /** The one database every instance uses (`file:…` for SQLite, `postgres://…` for PostgreSQL). */
  databaseUrl: string;
  /** Folder for what the instances share besides the database: the secrets file and local object storage. */
  dir: string;
  /** Settings for every instance (e.g. SWEEP_INTERVAL_S); DATABASE_URL, PORT and HOST are set here. */
  env?: Record<string, string>;
  /** Serve the console too (needs a `next build`); default false. */
  withConsole?: boolean;
  /** Run each instance with `--cpu-prof` into this folder (the bench's --profile). */
  cpuProfDir?: string;
}

export interface Instance {
  /** Position in the group (0-based), used in log labels. */
  index: number;
  url: string;
  pid: number;
  child: Child;
  /** False once the process has exited (killed or crashed). */
  alive(): boolean;
}

export interface InstanceGroup {
  instances: Instance[];
  urls: string[];
  /** Sends `signal` (SIGKILL by default) to instance `i` and waits until it is gone; how it ended. */
  kill(i: number, signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The JSON log lines (pino) every instance printed, each with the instance's index; other lines are skipped. */
  logRecords(): LogRecord[];
  /** Everything every instance printed, labelled by instance (for a failed test's diagnosis). */
  logs(): string;
  /** Stops every live instance (SIGTERM, SIGKILL after 10 s); their exit codes, null for one already gone. */
  stop(): Promise<(number | null)[]>;
}

export interface LogRecord {
  instance: number;
  msg?: string;
  level?: number;
  [field: string]: unknown;
}

const SERVER_ENTRY = 'server/start.ts';

export async function startInstances(opts: InstancesOptions): Promise<InstanceGroup> {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new Error(`count must be ≥ 1 (got ${opts.count})`);
  fs.mkdirSync(opts.dir, { recursive: true });
  const env: Record<string, string> = {
    LOG_LEVEL: 'info',
    SECRETS_FILE: path.join(opts.dir, 'secrets.json'),
    STORAGE_DIR: path.join(opts.dir, 'storage'),
    ...opts.env,
    DATABASE_URL: opts.databaseUrl,
  };
  const args = opts.withConsole ? [] : ['--legacy-only'];
  const start = () => startChild({ entry: SERVER_ENTRY, args, env, cpuProfDir: opts.cpuProfDir });

  const children: Child[] = [];
  const group = makeGroup(children);
  try {
    children.push(await start());
    const rest = await Promise.allSettled(Array.from({ length: opts.count - 1 }, start));
    for (const r of rest) if (r.status === 'fulfilled') children.push(r.value);
    const failed = rest.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (e) {
    await group.stop();
    throw e;
  }
  return group;
}

function makeGroup(children: Child[]): InstanceGroup {
  const instances = (): Instance[] =>
    children.map((child, index) => ({
      index,
      url: child.url,
      pid: child.proc.pid ?? -1,
      child,
      alive: () => child.proc.exitCode === null && child.proc.signalCode === null,
    }));
  return {
    get instances() {
      return instances();
    },
    get urls() {
      return children.map((c) => c.url);
    },
    async kill(i, signal = 'SIGKILL') {
      const child = children[i];
      if (!child) throw new Error(`no instance ${i}`);
      child.proc.kill(signal);
      return child.exited;
    },
    logRecords() {
      const out: LogRecord[] = [];
      children.forEach((child, instance) => {
        for (const line of child.output().split('\n')) {
          if (!line.startsWith('{')) continue;
          try {
            out.push({ ...(JSON.parse(line) as Record<string, unknown>), instance });
          } catch {
            // A line cut by a kill, or not JSON: not a record.
          }
        }
      });
      return out;
    },
    logs() {
      return children.map((c, i) => `----- instance ${i} (${c.url}) -----\n${c.output()}`).join('\n');
    },
    async stop() {
      return Promise.all(children.map((c) => c.stop()));
    },
  };
}
