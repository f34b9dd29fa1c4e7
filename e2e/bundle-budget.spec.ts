/**
 * First-load JS budgets, measured the way the README states them: the scripts the page's HTML loads
 * (script[src]), each gzipped. A modern browser skips the `nomodule` polyfills, so the budget counts what it loads:
 * the login page ≤ 150 kB (it does without the tRPC client and react-query, see app/_lib/auth-call.ts) and the
 * largest console page ≤ 220 kB. The numbers are printed for the report.
 */
import zlib from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { loginInUi } from './helpers/console';
import { demoData } from './helpers/demo';

const LOGIN_BUDGET_KB = 150;
const PAGE_BUDGET_KB = 220;

async function firstLoadKb(page: Page): Promise<{ modern: number; withPolyfills: number }> {
  const scripts = await page.evaluate(() =>
    [...document.querySelectorAll('script[src]')].map((s) => ({
      src: (s as HTMLScriptElement).src,
      nomodule: (s as HTMLScriptElement).noModule,
    })),
  );
  let modern = 0;
  let all = 0;
  for (const s of scripts) {
    const n = zlib.gzipSync(await (await page.request.get(s.src)).body(), { level: 9 }).length;
    all += n;
    if (!s.nomodule) modern += n;
  }
  return { modern: modern / 1024, withPolyfills: all / 1024 };
}

test('first-load JS stays within budget', async ({ page }) => {
  test.setTimeout(120_000);
  const sizes: Record<string, { modern: number; withPolyfills: number }> = {};
  for (const p of ['/login', '/register']) {
    await page.goto(p);
    sizes[p] = await firstLoadKb(page);
  }
  const demo = demoData();
  await loginInUi(page, demo.teacher, demo.password);
  for (const p of [
    '/',
    '/courses',
    '/courses/new',
    `/courses/${demo.liveRoomnum}`,
    '/library',
    `/courses/${demo.replayRoomnum}/playback`,
    `/watch/${demo.replayRoomnum}`,
  ]) {
    await page.goto(p);
    sizes[p] = await firstLoadKb(page);
  }
  for (const [p, s] of Object.entries(sizes))
    console.log(
      `first-load JS ${p}: ${s.modern.toFixed(1)} kB gzip (${s.withPolyfills.toFixed(1)} kB with nomodule polyfills)`,
    );
  expect(sizes['/login']!.modern).toBeLessThanOrEqual(LOGIN_BUDGET_KB);
  expect(sizes['/register']!.modern).toBeLessThanOrEqual(LOGIN_BUDGET_KB);
  expect(Math.max(...Object.values(sizes).map((s) => s.modern))).toBeLessThanOrEqual(PAGE_BUDGET_KB);
});
