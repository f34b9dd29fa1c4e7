/**
 * The secrets file: created 0600 with CSPRNG values on first use, reused on restart, a clear error (not a crash) when
 * corrupt or unreadable, one winner when several processes start at once; and where it lives (secretsFilePath).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnv, secretsFilePath } from './env';
import { loadOrCreateSecrets, SecretsFileError, SECRET_NAMES } from './secrets';
import { tempDir } from '../db/testing/test-db';

describe('loadOrCreateSecrets', () => {
  it('creates the file (mode 0600, folder created) with random ≥ 32-byte secrets, and reuses it on the next start', () => {
    const file = path.join(tempDir(), 'nested', 'secrets.json');
    const first = loadOrCreateSecrets(file);
    expect(first.created).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(first.secrets.IM_SECRET_KEY, 'base64url').length).toBe(32);
    expect(Buffer.from(first.secrets.TENCENT_SECRET_KEY, 'base64url').length).toBe(32);
    expect(first.secrets.TENCENT_SECRET_ID).toMatch(/^AKIDLOCAL[0-9A-F]{24}$/);
    const again = loadOrCreateSecrets(file);
    expect(again).toEqual({ secrets: first.secrets, created: false });
    // No temp files left behind.
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secrets.json']);
    // Another data folder gets other secrets.
    const other = loadOrCreateSecrets(path.join(tempDir(), 'secrets.json')).secrets;
    for (const name of SECRET_NAMES) expect(other[name]).not.toBe(first.secrets[name]);
  });

  it('a corrupt, incomplete or unreadable file is a SecretsFileError naming the file, and is left as it was', () => {
    const dir = tempDir();
    const file = path.join(dir, 'secrets.json');
    for (const text of ['{not json', '{"version":1,"IM_SECRET_KEY":"short"}', '[]', '']) {
      fs.writeFileSync(file, text);
      expect(() => loadOrCreateSecrets(file)).toThrow(SecretsFileError);
      expect(() => loadOrCreateSecrets(file)).toThrow(/secrets\.json is corrupt/);
      expect(fs.readFileSync(file, 'utf8')).toBe(text);
    }
    const asDir = path.join(dir, 'a-folder.json');
    fs.mkdirSync(asDir);
    expect(() => loadOrCreateSecrets(asDir)).toThrow(/Cannot read the secrets file .*a-folder\.json \(EISDIR\)/);
    const blocked = path.join(dir, 'plain-file');
    fs.writeFileSync(blocked, 'x');
    expect(() => loadOrCreateSecrets(path.join(blocked, 'secrets.json'))).toThrow(/Cannot create the secrets file/);
  });

  it('several processes starting at once converge on ONE set of secrets', async () => {
    const file = path.join(tempDir(), 'data', 'secrets.json');
    const script = `const { loadOrCreateSecrets } = require(${JSON.stringify(path.resolve(__dirname, 'secrets.ts'))});
      const r = loadOrCreateSecrets(${JSON.stringify(file)}); process.stdout.write(JSON.stringify(r));`;
    const run = () =>
      new Promise<{ secrets: Record<string, string>; created: boolean }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
          cwd: path.resolve(__dirname, '..'),
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (code) =>
          code === 0
            ? resolve(JSON.parse(out) as { secrets: Record<string, string>; created: boolean })
            : reject(new Error(out)),
        );
      });
    const results = await Promise.all([run(), run(), run(), run(), run(), run()]);
    expect(results.filter((r) => r.created).length).toBe(1);
    for (const r of results) expect(r.secrets).toEqual(results[0]!.secrets);
    expect(loadOrCreateSecrets(file).secrets).toEqual(results[0]!.secrets);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secrets.json']);
  }, 30_000);
});

describe('secretsFilePath', () => {
  const at = (env: Record<string, string>) => secretsFilePath(loadEnv(env));
  it('is SECRETS_FILE, else beside the SQLite file, else ./data/secrets.json', () => {
    expect(at({ SECRETS_FILE: '/etc/edu/secrets.json', DATABASE_URL: 'file:./x/edu.db' })).toBe(
      '/etc/edu/secrets.json',
    );
    expect(at({})).toBe(path.join('data', 'secrets.json'));
    expect(at({ DATABASE_URL: 'file:/srv/edu/edu.db' })).toBe('/srv/edu/secrets.json');
    expect(at({ DATABASE_URL: 'file:///srv/edu/edu.db' })).toBe('/srv/edu/secrets.json');
    expect(at({ DATABASE_URL: '/var/lib/edu/main.db' })).toBe('/var/lib/edu/secrets.json');
    expect(at({ DATABASE_URL: 'postgres://u@db.example/edu' })).toBe('./data/secrets.json');
    expect(at({ DATABASE_URL: ':memory:' })).toBe('./data/secrets.json');
  });
});
