/**
 * The demo data the e2e server was started with (seeded by seed-demo.ts before the server, see there why), so the
 * page screenshots and accessibility checks see a living console: courses in every state, a live class with a
 * roster, a ready replay with its recording.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DemoSummary } from '../../server/scripts/demo-data';
import { e2eDataDir } from './server-env';

export interface Demo extends DemoSummary {
  teacher: string;
  /** A student who attended the published replay (the seeder's students all did). */
  student: string;
}

export const DEMO_SUMMARY_FILE = (): string => path.join(e2eDataDir(), 'demo-summary.json');

export function demoData(): Demo {
  return JSON.parse(fs.readFileSync(DEMO_SUMMARY_FILE(), 'utf8')) as Demo;
}
