/**
 * The console's tRPC API: appRouter (wiring only), its type for the client, and createCaller for the router tests
 * (trpc/testing.ts). Server components call no procedure: they resolve the session (app/_trpc/server.ts) and read
 * services directly.
 */
import { authRouter } from './routers/auth';
import { classListRouter } from './routers/class-list';
import { courseRouter } from './routers/course';
import { coursewareRouter } from './routers/courseware';
import { dashboardRouter } from './routers/dashboard';
import { playbackRouter } from './routers/playback';
import { rosterRouter } from './routers/roster';
import { createCallerFactory, router } from './init';

export const appRouter = router({
  auth: authRouter,
  course: courseRouter,
  courseware: coursewareRouter,
  roster: rosterRouter,
  dashboard: dashboardRouter,
  playback: playbackRouter,
  classList: classListRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
