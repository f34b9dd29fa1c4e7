/** `npm run dev`: the same server entry with Next in development mode (hot reload). */
import { startServer } from './main';
import { withTelemetryDisabled } from './next-telemetry';

withTelemetryDisabled(process.env);

startServer({ dev: true }).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
