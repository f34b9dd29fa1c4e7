/**
 * The demo data (server/scripts/demo-data.ts, the same seeder as `npm run demo-data`) in the e2e server's database,
 * so the page screenshots and accessibility checks see a living console: courses in every state, a live class with
 * a roster, a ready replay with its recording. Seeded once per run; the summary (with the generated password) is
 * kept in the run's data directory, so a retried test in a fresh worker finds it again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadEnv } from '../../server/env';
import { DEMO_TEACHER, seedDemoData, type DemoSummary } from '../../server/scripts/demo-data';
import { e2eDataDir, e2eServerEnv } from './server-env';

export interface Demo extends DemoSummary {
  teacher: string;
  /** A student who attended the published replay (the seeder's students all did). */
  student: string;
}

export async function demoData(): Promise<Demo> {
  const file = path.join(e2eDataDir(), 'demo-summary.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Demo;
  const summary = await seedDemoData(loadEnv({ ...process.env, ...e2eServerEnv() }), Math.floor(Date.now() / 1000));
  if (!summary) throw new Error('demo data already seeded in this database, but its summary is missing');
  const demo: Demo = { ...summary, teacher: DEMO_TEACHER, student: 'xiaoming' };
  fs.writeFileSync(file, JSON.stringify(demo));
  return demo;
}
