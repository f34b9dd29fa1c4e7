/**
 * Seeds the demo data (server/scripts/demo-data.ts, the same seeder as `npm run demo-data`) into the e2e database
 * before the server starts — playwright.config.ts runs it ahead of the server in the webServer command. Before, not
 * during: the seeder replays past lessons on a moved clock, and a running server's sweeper would end those lessons
 * midway (their heartbeats are days old). Writes the summary (with the generated password) for the tests.
 * Run with tsx; exits non-zero on failure so the server never starts on a half-seeded database.
 */
import fs from 'node:fs';
import { loadEnv } from '../../server/env';
import { DEMO_TEACHER, seedDemoData } from '../../server/scripts/demo-data';
import { DEMO_SUMMARY_FILE, type Demo } from './demo';

async function main(): Promise<void> {
  if (fs.existsSync(DEMO_SUMMARY_FILE())) return;
  const summary = await seedDemoData(loadEnv(process.env), Math.floor(Date.now() / 1000));
  if (!summary) throw new Error(`demo data already seeded in ${process.env.DATABASE_URL}, but its summary is missing`);
  const demo: Demo = { ...summary, teacher: DEMO_TEACHER, student: 'xiaoming' };
  fs.writeFileSync(DEMO_SUMMARY_FILE(), JSON.stringify(demo));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
