/**
 * Startup and provider selection: IM_PROVIDER picks the IM integration; `tencent` without its key refuses to start
 * with a clear ConfigError, and `npm start` (server/start.ts) prints that message and exits non-zero.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, createServiceCtx, logProviders } from './context';
import { loadEnv } from './env';
import { createLogger } from './logger';
import { tempDir } from './testing/test-db';

function envFor(over: Record<string, string>) {
  return loadEnv({ DATABASE_URL: path.join(tempDir(), 'edu.db'), LOG_LEVEL: 'silent', ...over });
}

/**
 * Runs `tsx server/start.ts --legacy-only` with `env`; resolves with its exit code and output. Stops it (SIGTERM) once
 * stdout matches `until`, and kills it after `ms` in any case.
 */
function runStart(env: Record<string, string>, until?: RegExp, ms = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'server/start.ts', '--legacy-only'], {
      cwd: path.resolve(__dirname, '..'),
      env: { NODE_ENV: 'production', PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('IM provider selection', () => {
  it('defaults to local', () => {
    const ctx = createServiceCtx(envFor({}));
    expect(ctx.im.name).toBe('local');
    ctx.db.$client.close();
  });

  it('uses tencent when asked and configured', () => {
    const ctx = createServiceCtx(envFor({ IM_PROVIDER: 'tencent', IM_SECRET_KEY: 'k', IM_API_BASE: 'http://127.0.0.1:9' }));
    expect(ctx.im.name).toBe('tencent');
    ctx.db.$client.close();
  });

  it('refuses IM_PROVIDER=tencent without IM_SECRET_KEY, naming the setting', () => {
    const attempt = () => createServiceCtx(envFor({ IM_PROVIDER: 'tencent' }));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/IM_SECRET_KEY/);
    // A blank key is no key.
    expect(() => createServiceCtx(envFor({ IM_PROVIDER: 'tencent', IM_SECRET_KEY: '   ' }))).toThrow(ConfigError);
  });

  it('logs which provider each integration uses, and warns about the development IM key', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
    const ctx = createServiceCtx(envFor({}), { log });
    logProviders(ctx);
    expect(lines.find((l) => l.msg === 'integrations')).toMatchObject({ im: 'local' });
    expect(lines.some((l) => /IM_SECRET_KEY is not set/.test(String(l.msg)))).toBe(true);
    ctx.db.$client.close();
  });
});

describe('npm start', () => {
  it('starts with IM_PROVIDER=tencent when configured, logging the provider', async () => {
    const env = { IM_PROVIDER: 'tencent', IM_SECRET_KEY: 'k', IM_API_BASE: 'http://127.0.0.1:9', DATABASE_URL: path.join(tempDir(), 'edu.db'), PORT: '0', HOST: '127.0.0.1' };
    const r = await runStart(env, /"msg":"listening"/);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'integrations')).toMatchObject({ im: 'tencent', imApiBase: 'http://127.0.0.1:9' });
    expect(lines.find((l) => l.msg === 'listening')).toMatchObject({ legacyOnly: true });
    expect(r.stdout + r.stderr).not.toContain('"k"'); // the key is never printed
  });

  it('prints the ConfigError and exits non-zero', async () => {
    const r = await runStart({ IM_PROVIDER: 'tencent', DATABASE_URL: path.join(tempDir(), 'edu.db'), PORT: '0', HOST: '127.0.0.1' });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull(); // exited by itself, not killed by the timer
    expect(r.stderr).toContain('IM_PROVIDER=tencent needs IM_SECRET_KEY');
    expect(r.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });

  it('prints invalid settings and exits non-zero', async () => {
    const r = await runStart({ IM_PROVIDER: 'bogus', DATABASE_URL: path.join(tempDir(), 'edu.db'), PORT: '0' });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr).toContain('IM_PROVIDER');
  });
});
