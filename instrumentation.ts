/**
 * Next.js instrumentation: when the app runs under `next start`/`next dev` (without server/main.ts), start the job
 * scheduler (sweeper, playback index) once per process, in the Node.js runtime only. startScheduler itself guards
 * against a second start (server/main.ts may have started it already in the same process).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ getRuntime }, { startScheduler }] = await Promise.all([
    import('./server/runtime'),
    import('./server/jobs/scheduler'),
  ]);
  startScheduler(getRuntime('next').ctx);
}
