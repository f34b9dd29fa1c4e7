/**
 * End-to-end tests of the console (and a legacy smoke test) in Debian's Chromium (/usr/bin/chromium; never a
 * downloaded browser). The server is the production entry on a fresh temp database (seeded with the demo data) with
 * local sandboxes, a fast scheduler tick and no index delay, so a recording callback turns into a playback index
 * within seconds. Settings in e2e/helpers/server-env.ts.
 */
import { defineConfig } from '@playwright/test';
import { E2E_BASE, e2eServerEnv } from './e2e/helpers/server-env';

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: E2E_BASE,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
    viewport: { width: 1280, height: 800 },
    // Accept-Language en-US unless a test asks otherwise: assertions read the English catalog.
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    // The demo data goes in first (see e2e/helpers/seed-demo.ts), then the production entry serves it (serve.ts: with
    // the demo live class's phone beating, since COURSE_DEAD_S is short in these runs).
    command: 'npx tsx e2e/helpers/seed-demo.ts && npx tsx e2e/helpers/serve.ts',
    url: `${E2E_BASE}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: e2eServerEnv(),
  },
});
