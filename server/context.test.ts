/**
 * Startup and provider selection: IM_PROVIDER picks the IM integration; `tencent` without its key refuses to start
 * with a clear ConfigError, and `npm start` (server/start.ts) prints that message and exits non-zero. Unset secrets come
 * from the generated secrets file (never the keys once published in the source), and the start-up log names them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { closeDb, first, inTransaction, type Db } from '../db/client';
import { PG_MIGRATIONS_DIR } from '../db/client-pg';
import { courses } from '../db/schema';
import { closeServiceCtx, createServiceCtx, logProviders, resolveSecrets } from './context';
import { ConfigError } from './errors';
import { verifyUserSig } from './integrations/usersig';
import { loadEnv, secretsFilePath } from './env';
import { createLogger } from './logger';
import { startInstances } from './testing/instances';
import { createPgTestDatabase, PG_SKIP_REASON, PG_TEST_URL } from '../db/testing/pg-test-db';
import { psql } from '../db/testing/psql';
import { createTestDb, tempDir } from '../db/testing/test-db';
import { testEngine } from '../db/testing/test-engine';

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

/** One legacy command on a running server, with the default appid; the parsed reply. */
async function call<T = unknown>(
  url: string,
  svcCmd: string,
  body: Record<string, unknown>,
): Promise<{ errorCode: number; errorInfo: string; data?: T }> {
  const [svc, cmd] = svcCmd.split('/') as [string, string];
  const res = await fetch(`${url}/index.php?svc=${svc}&cmd=${cmd}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appid: loadEnv({}).SDKAPPID, timeStamp: 1, ...body }),
  });
  return (await res.json()) as { errorCode: number; errorInfo: string; data?: T };
}

/** The course's stored host heartbeat. */
async function storedBeat(db: Db, roomnum: number): Promise<number | undefined> {
  const row = first(
    await db.select({ at: courses.lastHeartbeat }).from(courses).where(eq(courses.roomnum, roomnum)).limit(1),
  );
  return row?.at;
}

function pgJournalEntries(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(PG_MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

describe('IM provider selection', () => {
  it('defaults to local', async () => {
    const ctx = createServiceCtx(envFor({}));
    expect(ctx.im.name).toBe('local');
    await closeServiceCtx(ctx);
  });

  it('uses tencent when asked and configured', async () => {
    const ctx = createServiceCtx(
      envFor({ IM_PROVIDER: 'tencent', IM_SECRET_KEY: 'k', IM_API_BASE: 'http://127.0.0.1:9' }),
    );
    expect(ctx.im.name).toBe('tencent');
    await closeServiceCtx(ctx);
  });

  it('refuses IM_PROVIDER=tencent without IM_SECRET_KEY, naming the setting', () => {
    const attempt = () => createServiceCtx(envFor({ IM_PROVIDER: 'tencent' }));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/IM_SECRET_KEY/);
    // A blank key is no key.
    expect(() => createServiceCtx(envFor({ IM_PROVIDER: 'tencent', IM_SECRET_KEY: '   ' }))).toThrow(ConfigError);
  });

  it('logs which provider each integration uses, which secrets were generated (names only) and that callbacks are refused', async () => {
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
    await closeServiceCtx(ctx);
    await closeServiceCtx(again);
  });

  it('warns loudly when unsigned callbacks are allowed', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', {
      write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>),
    });
    const ctx = createServiceCtx(envFor({ LIVE_CALLBACK_ALLOW_UNSIGNED: '1' }), { log });
    logProviders(ctx);
    expect(lines.find((l) => /UNSIGNED callbacks from ANYONE/.test(String(l.msg)))).toMatchObject({ level: 40 });
    await closeServiceCtx(ctx);
  });
});

describe('secrets', () => {
  it('never uses the keys once published in the source; generated keys persist across restarts', async () => {
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
    await closeServiceCtx(a);
    await closeServiceCtx(b);
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

  it.skipIf(!PG_TEST_URL)(
    `serves PostgreSQL: a fresh database is migrated at start and answers the protocol${PG_TEST_URL ? '' : ` (${PG_SKIP_REASON})`}`,
    async () => {
      const pgdb = await createPgTestDatabase();
      try {
        const group = await startInstances({ count: 1, databaseUrl: pgdb.url, dir: tempDir() });
        try {
          const url = group.urls[0]!;
          expect(await call(url, 'account/regist', { id: 'pg_teacher', pwd: 'cHdk', role: 1 })).toEqual({
            errorCode: 0,
            errorInfo: '',
          });
          const login = await call<{ token: string }>(url, 'account/login', { id: 'pg_teacher', pwd: 'cHdk' });
          expect(login).toMatchObject({ errorCode: 0, data: { token: expect.any(String) } });
          const created = await call<{ roomnum: number }>(url, 'live/create', {
            token: login.data!.token,
            title: 'on PostgreSQL',
          });
          // Room numbers start at 10001 on PostgreSQL too (the migrations' identity).
          expect(created).toMatchObject({ errorCode: 0, data: { roomnum: 10001 } });
        } finally {
          expect(await group.stop()).toEqual([0]);
        }
        // The start applied every migration of db/migrations-pg.
        const applied = await psql(pgdb.url, 'SELECT count(*) FROM drizzle.__drizzle_migrations');
        expect(Number(applied.trim())).toBe(pgJournalEntries());
      } finally {
        await pgdb.drop();
      }
    },
    60_000,
  );

  it(`SIGTERM writes the buffered heartbeats before exiting (${testEngine()})`, async () => {
    const t = createTestDb();
    try {
      // A minute between flushes: the beat below can only reach the database through the shutdown.
      const group = await startInstances({
        count: 1,
        databaseUrl: t.url,
        dir: t.dir,
        env: { PRESENCE_FLUSH_MS: '60000', LOG_LEVEL: 'warn' },
      });
      const url = group.urls[0]!;
      let exit: number | null = null;
      try {
        expect((await call(url, 'account/regist', { id: 'beat_t', pwd: 'cHdk', role: 1 })).errorCode).toBe(0);
        const token = (await call<{ token: string }>(url, 'account/login', { id: 'beat_t', pwd: 'cHdk' })).data!.token;
        const roomnum = (await call<{ roomnum: number }>(url, 'live/create', { token, title: 'beat' })).data!.roomnum;
        expect((await call(url, 'live/startcourse', { token, roomnum })).errorCode).toBe(0);
        // An old stored beat, so the next one is due to be written (not within the write granularity).
        await inTransaction(t.db, async (tx) => {
          await tx.update(courses).set({ lastHeartbeat: 5 }).where(eq(courses.roomnum, roomnum));
        });
        const before = Math.floor(Date.now() / 1000);
        expect(await call(url, 'live/heartbeat', { token, roomnum })).toEqual({ errorCode: 0, errorInfo: '' });
        // Acknowledged but still in the instance's memory.
        expect(await storedBeat(t.db, roomnum)).toBe(5);
        exit = (await group.kill(0, 'SIGTERM')).code;
        expect(await storedBeat(t.db, roomnum)).toBeGreaterThanOrEqual(before);
      } finally {
        await group.stop();
      }
      expect(exit).toBe(0);
    } finally {
      await closeDb(t.db);
    }
  }, 60_000);

  it('exits with a clear message (no stack) when the secrets file is corrupt', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{"version":1}');
    const r = await runStart({ DATABASE_URL: path.join(dir, 'edu.db'), PORT: '0', HOST: '127.0.0.1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`The secrets file ${path.join(dir, 'secrets.json')} is corrupt`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
