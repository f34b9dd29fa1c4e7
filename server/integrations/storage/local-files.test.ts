/** Stale upload temp files are aged by the injected clock (what the OS clock is outside tests), not Date.now(). */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock';
import { createTestDb } from '../../../db/testing/test-db';
import { createLocalFiles } from './local-files';

describe('local files: sweepTemp', () => {
  it('removes a temp file only once the injected clock says it is older than maxAge', async () => {
    const { db, dir } = createTestDb();
    const T = 1_000_000_000;
    const clock = fixedClock(T + 1800);
    const files = createLocalFiles(path.join(dir, 'storage'), db, clock);
    const tmp = path.join(files.root, '.tmp');
    await fs.mkdir(tmp, { recursive: true });
    const stale = path.join(tmp, 'cut-off-upload');
    await fs.writeFile(stale, 'partial');
    await fs.utimes(stale, T, T);

    expect(await files.sweepTemp(3600_000)).toBe(0);
    await expect(fs.stat(stale)).resolves.toBeTruthy();

    clock.advance(2 * 3600);
    expect(await files.sweepTemp(3600_000)).toBe(1);
    await expect(fs.stat(stale)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
