/** The console's tRPC API: appRouter (wiring only), its type for the client, and createCaller for tests/RSC. */
import { authRouter } from './routers/auth';
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
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
