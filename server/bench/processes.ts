/**
 * Child processes for the bench: the server under test and the echo ceiling each run in their own Node process,
 * started the same way (`node --import tsx <entry>`, what `tsx <entry>` does) so they are comparable, and optionally
 * with `--cpu-prof` for profiling. Readiness is an HTTP probe, not a log line (LOG_LEVEL=warn prints none).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  port: number;
  url: string;
  /** Everything the child printed (for diagnosing a failed start). */
  output(): string;
  /** CPU time (user + system) the child has used so far, in ms; null where /proc is unavailable. */
  cpuMs(): number | null;
  /** Resolves when the process has exited: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after 10 s; the exit code. */
  stop(): Promise<number | null>;
}

interface ChildOptions {
  entry: string;
  args?: string[];
  env: Record<string, string>;
  /** Directory for `--cpu-prof` output; no profiling when absent. */
  cpuProfDir?: string;
}

export async function startChild(opts: ChildOptions): Promise<Child> {
  const port = await freePort();
  const nodeArgs = ['--import', 'tsx'];
  if (opts.cpuProfDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir);
  const proc = spawn(process.execPath, [...nodeArgs, opts.entry, ...(opts.args ?? [])], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      ...opts.env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const child: Child = {
    proc,
    port,
    url,
    output: () => out,
    cpuMs: () => (proc.pid === undefined ? null : procCpuMs(proc.pid)),
    exited,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const { code } = await exited;
      clearTimeout(t);
      return code;
    },
  };
  await waitReady(child, exited);
  return child;
}

async function waitReady(child: Child, exited: Child['exited']): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (dead) throw new Error(`${child.url}: process exited during start:\n${child.output()}`);
    try {
      const res = await fetch(`${child.url}/index.php`, { method: 'OPTIONS' });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await child.stop();
  throw new Error(`${child.url}: not ready after 60 s:\n${child.output()}`);
}

/** utime + stime of a Linux process from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 10 ms). */
function procCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}
