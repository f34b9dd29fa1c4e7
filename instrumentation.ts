/**
 * Next.js instrumentation: when the app runs under `next start`/`next dev` (without server/main.ts), bring a
 * PostgreSQL database up to date (SQLite migrates as it opens) and start the job scheduler (sweeper, playback index)
 * once per process, in the Node.js runtime only. Both are idempotent: server/main.ts may have done them already in
 * the same process (migrations are advisory-locked; startScheduler guards against a second start).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ getRuntime }, { startScheduler }, { migrateDatabase }, { loadEnv }] = await Promise.all([
    import('./server/runtime'),
    import('./server/jobs/scheduler'),
    import('./server/context'),
    import('./server/env'),
  ]);
  await migrateDatabase(loadEnv());
  startScheduler(getRuntime('next').ctx);
}
