/**
 * Startup and provider selection: IM_PROVIDER picks the IM integration; `tencent` without its key refuses to start
 * with a clear ConfigError, and `npm start` (server/start.ts) prints that message and exits non-zero. Unset secrets come
 * from the generated secrets file (never the keys once published in the source), and the start-up log names them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServiceCtx, logProviders, resolveSecrets } from './context';
import { ConfigError } from './errors';
import { verifyUserSig } from './integrations/usersig';
import { loadEnv, secretsFilePath } from './env';
import { createLogger } from './logger';
import { tempDir } from './testing/test-db';

function envFor(over: Record<string, string>) {
  return loadEnv({ DATABASE_URL: path.join(tempDir(), 'edu.db'), LOG_LEVEL: 'silent', ...over });
}

/**
 * Runs `tsx server/start.ts --legacy-only` with `env`; resolves with its exit code and output. Stops it (SIGTERM) once
 * stdout matches `until`, and kills it after `ms` in any case.
 */
function runStart(
  env: Record<string, string>,
  until?: RegExp,
  ms = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
    const ctx = createServiceCtx(
      envFor({ IM_PROVIDER: 'tencent', IM_SECRET_KEY: 'k', IM_API_BASE: 'http://127.0.0.1:9' }),
    );
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

  it('logs which provider each integration uses, which secrets were generated (names only) and that callbacks are refused', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', {
      write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>),
    });
    const env = envFor({});
    const ctx = createServiceCtx(env, { log });
    logProviders(ctx);
    expect(lines.find((l) => l.msg === 'integrations')).toMatchObject({ im: 'local' });
    const file = secretsFilePath(env);
    expect(lines.find((l) => l.msg === 'generated secrets into the secrets file')).toMatchObject({
      secretsFile: file,
      secrets: ['IM_SECRET_KEY', 'TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY'],
    });
    expect(lines.some((l) => /LIVE_CALLBACK_KEY is not set: live callbacks .* are refused/.test(String(l.msg)))).toBe(
      true,
    );
    const text = JSON.stringify(lines);
    for (const v of Object.values(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>))
      if (typeof v === 'string') expect(text).not.toContain(v);
    // The next start loads the same file and says so.
    lines.length = 0;
    const again = createServiceCtx(env, { log });
    logProviders(again);
    expect(lines.find((l) => l.msg === 'secrets loaded from the secrets file')).toMatchObject({ secretsFile: file });
    expect(again.cloud).toEqual(ctx.cloud);
    ctx.db.$client.close();
    again.db.$client.close();
  });

  it('warns loudly when unsigned callbacks are allowed', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', {
      write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>),
    });
    const ctx = createServiceCtx(envFor({ LIVE_CALLBACK_ALLOW_UNSIGNED: '1' }), { log });
    logProviders(ctx);
    expect(lines.find((l) => /UNSIGNED callbacks from ANYONE/.test(String(l.msg)))).toMatchObject({ level: 40 });
    ctx.db.$client.close();
  });
});

describe('secrets', () => {
  it('never uses the keys once published in the source; generated keys persist across restarts', () => {
    const env = envFor({});
    const a = createServiceCtx(env);
    expect(a.cloud.secretId).not.toBe('AKIDLOCALDEVELOPMENTONLY');
    expect(a.cloud.secretKey).not.toBe('local-development-secret-key');
    const sig = a.usersig.sign('u1');
    expect(
      verifyUserSig(sig, {
        key: 'dev-im-secret-key-do-not-use-in-production',
        sdkappid: env.SDKAPPID,
        identifier: 'u1',
        nowS: Math.floor(Date.now() / 1000),
      }),
    ).toBe(false);
    const b = createServiceCtx(env);
    expect(b.cloud).toEqual(a.cloud);
    expect(
      verifyUserSig(sig, {
        key: resolveSecrets(env).imSecretKey,
        sdkappid: env.SDKAPPID,
        identifier: 'u1',
        nowS: Math.floor(Date.now() / 1000),
      }),
    ).toBe(true);
    a.db.$client.close();
    b.db.$client.close();
  });

  it('configured keys are used as given and no secrets file is written', () => {
    const env = envFor({ IM_SECRET_KEY: 'im-key', TENCENT_SECRET_ID: 'AKIDX', TENCENT_SECRET_KEY: 'sk' });
    const r = resolveSecrets(env);
    expect(r).toMatchObject({
      imSecretKey: 'im-key',
      cloud: { secretId: 'AKIDX', secretKey: 'sk', isDev: false },
      source: { fromFile: [], created: false },
    });
    expect(fs.existsSync(secretsFilePath(env))).toBe(false);
    // Only what is missing comes from the file.
    expect(resolveSecrets(envFor({ IM_SECRET_KEY: 'im-key' })).source.fromFile).toEqual([
      'TENCENT_SECRET_ID',
      'TENCENT_SECRET_KEY',
    ]);
  });

  it('a corrupt secrets file is a ConfigError naming the file', () => {
    const env = envFor({});
    fs.writeFileSync(secretsFilePath(env), 'garbage');
    expect(() => createServiceCtx(env)).toThrow(ConfigError);
    expect(() => createServiceCtx(env)).toThrow(/secrets\.json is corrupt/);
  });
});

describe('npm start', () => {
  it('starts with IM_PROVIDER=tencent when configured, logging the provider', async () => {
    const env = {
      IM_PROVIDER: 'tencent',
      IM_SECRET_KEY: 'k',
      IM_API_BASE: 'http://127.0.0.1:9',
      DATABASE_URL: path.join(tempDir(), 'edu.db'),
      PORT: '0',
      HOST: '127.0.0.1',
    };
    const r = await runStart(env, /"msg":"listening"/);
    const lines = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'integrations')).toMatchObject({
      im: 'tencent',
      imApiBase: 'http://127.0.0.1:9',
    });
    expect(lines.find((l) => l.msg === 'listening')).toMatchObject({ legacyOnly: true });
    expect(r.stdout + r.stderr).not.toContain('"k"'); // the key is never printed
  });

  it('prints the ConfigError and exits non-zero', async () => {
    const r = await runStart({
      IM_PROVIDER: 'tencent',
      DATABASE_URL: path.join(tempDir(), 'edu.db'),
      PORT: '0',
      HOST: '127.0.0.1',
    });
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

  it('DATABASE_URL=postgres://… is refused clearly (not yet served) instead of becoming a folder named postgres:', async () => {
    const root = path.resolve(__dirname, '..');
    const secrets = path.join(tempDir(), 'secrets.json');
    const r = await runStart({
      DATABASE_URL: 'postgres://edu@127.0.0.1:9/edu',
      SECRETS_FILE: secrets,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DATABASE_URL selects PostgreSQL');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(path.join(root, 'postgres:'))).toBe(false);
    expect(fs.existsSync(secrets)).toBe(false);
  });

  it('exits with a clear message (no stack) when the secrets file is corrupt', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{"version":1}');
    const r = await runStart({ DATABASE_URL: path.join(dir, 'edu.db'), PORT: '0', HOST: '127.0.0.1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`The secrets file ${path.join(dir, 'secrets.json')} is corrupt`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
