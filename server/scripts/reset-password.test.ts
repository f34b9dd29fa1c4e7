import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkLogin, createAccount } from '../services/accounts';
import { resetWithCode } from '../services/password-change';
import { createTestCtx } from '../testing/test-ctx';
import { rawRows } from '../../db/dialect';
import { sql } from 'drizzle-orm';

const run = promisify(execFile);
const TSX = path.join(process.cwd(), 'node_modules', '.bin', 'tsx');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Runs the script as `npm run reset-password` would, against the test's database (either engine). */
async function resetPassword(
  ctx: { dir: string; dbUrl: string },
  args: string[],
): Promise<{ rc: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: ctx.dbUrl, STORAGE_DIR: path.join(ctx.dir, 'storage') };
  try {
    const r = await run(TSX, ['server/scripts/reset-password.ts', ...args], { env, cwd: process.cwd() });
    return { rc: 0, ...r };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { rc: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('npm run reset-password', () => {
  it('prints a one-time code that resets the password of that account', async () => {
    const ctx = createTestCtx();
    await createAccount(ctx, { id: 'forgetful', pwd: b64('lost-password'), role: 1 });
    const out = await resetPassword(ctx, ['forgetful']);
    expect(out.rc).toBe(0);
    const code = /Reset code for forgetful: ([A-Z0-9-]+)/.exec(out.stdout)?.[1];
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    // The script's clock is real time; move the test's fixed clock there.
    ctx.clock.set(Math.floor(Date.now() / 1000));
    await resetWithCode(ctx, { id: 'forgetful', code: code!, pwd: b64('found-password'), ip: '127.0.0.1' });
    await expect(checkLogin(ctx, { id: 'forgetful', pwd: b64('found-password'), ip: null })).resolves.toBeTruthy();
    const stored = (await rawRows(ctx.db, sql`SELECT code_hash, used_at FROM password_reset_codes`)) as {
      code_hash: string;
      used_at: number | null;
    }[];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.used_at).not.toBeNull();
    expect(stored[0]!.code_hash).not.toContain(code!.replace(/-/g, ''));
  }, 60_000);

  it('exits non-zero for an unknown account or a bad argument, issuing nothing', async () => {
    const ctx = createTestCtx();
    const unknown = await resetPassword(ctx, ['nobody']);
    expect(unknown.rc).toBe(1);
    expect(unknown.stderr).toContain('no account with id nobody');
    const usage = await resetPassword(ctx, []);
    expect(usage.rc).toBe(2);
    expect(usage.stderr).toContain('usage');
    expect((await rawRows(ctx.db, sql`SELECT COUNT(*) AS n FROM password_reset_codes`))[0]).toEqual({ n: 0 });
  }, 60_000);
});
