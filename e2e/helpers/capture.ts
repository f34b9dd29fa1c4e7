/**
 * Screenshots and accessibility checks of one page at the two sizes the console is designed for (a laptop,
 * 1280×800, and a phone, 390×844). Screenshots go to test-results/screenshots/<name>-<w>x<h>.png; axe runs at each
 * size (layouts differ) and the test fails on any 'serious' or 'critical' violation. Lesser findings are attached
 * to the report so they stay visible without failing the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { SCREENSHOT_DIR } from './server-env';

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

interface Finding {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: string[];
}

/** Runs axe on what the page shows now; the serious/critical findings (with their elements). */
export async function axeFindings(page: Page, testInfo: TestInfo, label: string): Promise<Finding[]> {
  const result = await new AxeBuilder({ page }).analyze();
  const all: Finding[] = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
  if (all.length > 0)
    await testInfo.attach(`axe-${label}.json`, { body: JSON.stringify(all, null, 2), contentType: 'application/json' });
  return all.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

/**
 * Screenshots `name` at both sizes and checks accessibility at each; `ready` is awaited after every resize (the
 * page's own "loaded" signal). Restores the laptop size afterwards.
 */
export async function capturePage(
  page: Page,
  testInfo: TestInfo,
  name: string,
  ready: () => Promise<void>,
): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const serious: Record<string, Finding[]> = {};
  for (const vp of VIEWPORTS) {
    await page.setViewportSize(vp);
    await ready();
    // Let layout settle after the resize (fonts, wrapping) before the picture.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const file = path.join(SCREENSHOT_DIR, `${name}-${vp.width}x${vp.height}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    const found = await axeFindings(page, testInfo, `${name}-${vp.width}`);
    if (found.length) serious[`${vp.width}x${vp.height}`] = found;
  }
  await page.setViewportSize(VIEWPORTS[0]);
  expect(serious, `serious/critical accessibility violations on ${name}`).toEqual({});
}
