/**
 * Configuration parsing for the database: DATABASE_URL picks SQLite (`file:` or a path) or PostgreSQL
 * (`postgres://`, `postgresql://`), any other scheme stops the start with a message naming the variable (and
 * nothing on disk: `mysql://x` used to become a folder named `mysql:`), and the PostgreSQL settings are validated.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv, parseDatabaseUrl, pgOptions } from './env';
import { tempDir } from '../db/testing/test-db';

const ROOT = path.resolve(__dirname, '..');

describe('DATABASE_URL', () => {
  it.each([
    ['file:./data/edu.db', './data/edu.db'],
    ['file:/srv/edu/edu.db', '/srv/edu/edu.db'],
    ['file:///srv/edu/edu.db', '/srv/edu/edu.db'],
    ['FILE:./x.db', './x.db'],
    ['/var/lib/edu/main.db', '/var/lib/edu/main.db'],
    ['edu.db', 'edu.db'],
    [':memory:', ':memory:'],
  ])('%s is the SQLite file %s', (url, file) => {
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'sqlite', file });
  });

  it.each(['postgres://edu:pw@db.example:5432/edu', 'postgresql://db.example/edu?sslmode=require', 'POSTGRES://h/d'])(
    '%s is PostgreSQL',
    (url) => {
      expect(parseDatabaseUrl(url)).toEqual({ kind: 'pg', url });
    },
  );

  it.each(['mysql://x', 'http://db.example/edu', 'foo:', 'sqlite:./x.db', 'redis://h'])('%s is refused', (url) => {
    expect(parseDatabaseUrl(url)).toEqual(expect.stringMatching(/is not supported/));
    expect(() => loadEnv({ DATABASE_URL: url })).toThrow(EnvError);
    expect(() => loadEnv({ DATABASE_URL: url })).toThrow(/DATABASE_URL: scheme "[a-z]+:" is not supported/);
  });

  it('refuses an empty value and an empty file: URL instead of opening a nameless database', () => {
    expect(() => loadEnv({ DATABASE_URL: '' })).toThrow(/DATABASE_URL: must not be empty/);
    expect(() => loadEnv({ DATABASE_URL: 'file:' })).toThrow(/DATABASE_URL: the file: URL names no file/);
  });

  it('never repeats the URL (it may carry a password) in the refusal', () => {
    expect(() => loadEnv({ DATABASE_URL: 'mysql://admin:hunter2@db.example/edu' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('exposes the parsed target: SQLite by default, PostgreSQL with its URL', () => {
    expect(loadEnv({}).database).toEqual({ kind: 'sqlite', file: './data/edu.db' });
    const env = loadEnv({ DATABASE_URL: 'postgresql://edu:pw@127.0.0.1:5433/edu' });
    expect(env.database).toEqual({ kind: 'pg', url: 'postgresql://edu:pw@127.0.0.1:5433/edu' });
  });
});

describe('PostgreSQL settings', () => {
  it('defaults: 10 connections, 5 s statement timeout, no sslmode', () => {
    const env = loadEnv({ DATABASE_URL: 'postgres://h/d' });
    expect(pgOptions(env)).toEqual({
      url: 'postgres://h/d',
      poolMax: 10,
      statementTimeoutMs: 5000,
      sslmode: undefined,
    });
  });

  it('reads PG_POOL_MAX, PG_STATEMENT_TIMEOUT_MS and PGSSLMODE', () => {
    const env = loadEnv({
      DATABASE_URL: 'postgres://h/d',
      PG_POOL_MAX: '25',
      PG_STATEMENT_TIMEOUT_MS: '0',
      PGSSLMODE: 'verify-full',
    });
    expect(pgOptions(env)).toMatchObject({ poolMax: 25, statementTimeoutMs: 0, sslmode: 'verify-full' });
    expect(loadEnv({ PGSSLMODE: '' }).PGSSLMODE).toBeUndefined();
  });

  it.each([
    ['PG_POOL_MAX', '0'],
    ['PG_POOL_MAX', 'many'],
    ['PG_STATEMENT_TIMEOUT_MS', '-1'],
    ['PGSSLMODE', 'requir'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadEnv({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n {2}${name}:`));
  });

  it('pgOptions is only for a PostgreSQL URL', () => {
    expect(() => pgOptions(loadEnv({}))).toThrow(/does not select PostgreSQL/);
  });
});

/** `npm start` from the project root with `env`; resolves with its exit code and output (killed after 60 s). */
function npmStart(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { NODE_ENV: 'production', PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('MEMBER_ENTERS_PER_COURSE', () => {
  it('defaults to 300 (a flaky network re-entering every 20 s of a 100-minute class fits) and reads a setting', () => {
    expect(loadEnv({}).MEMBER_ENTERS_PER_COURSE).toBe(300);
    expect(loadEnv({ MEMBER_ENTERS_PER_COURSE: '1000' }).MEMBER_ENTERS_PER_COURSE).toBe(1000);
  });

  it.each(['0', '-5', '2.5', 'lots'])('refuses %s, naming it', (value) => {
    expect(() => loadEnv({ MEMBER_ENTERS_PER_COURSE: value })).toThrow(
      /^Invalid configuration:\n {2}MEMBER_ENTERS_PER_COURSE:/,
    );
  });
});

describe('npm start', () => {
  it('with DATABASE_URL=mysql://x exits non-zero naming the variable, before building, creating no folder', async () => {
    const secrets = path.join(tempDir(), 'secrets.json');
    expect(fs.existsSync(path.join(ROOT, 'mysql:'))).toBe(false);
    const r = await npmStart({ DATABASE_URL: 'mysql://x', SECRETS_FILE: secrets, PORT: '0', HOST: '127.0.0.1' });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull(); // exited by itself
    expect(r.out).toContain('DATABASE_URL: scheme "mysql:" is not supported');
    expect(r.out).not.toContain('next build');
    expect(r.out).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(path.join(ROOT, 'mysql:'))).toBe(false);
    expect(fs.existsSync(secrets)).toBe(false);
  });
});
