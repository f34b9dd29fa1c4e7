/**
 * `npm start` and `npm run dev` run Next with its anonymous telemetry off (a classroom server should not phone home
 * from a school's network): NEXT_TELEMETRY_DISABLED=1 unless the operator set the variable themselves (0 opts in).
 * Written into the environment before Next loads or the build child is spawned, since Next reads it there.
 */
export function withTelemetryDisabled(env: Record<string, string | undefined>): Record<string, string | undefined> {
  if (env.NEXT_TELEMETRY_DISABLED === undefined || env.NEXT_TELEMETRY_DISABLED === '')
    env.NEXT_TELEMETRY_DISABLED = '1';
  return env;
}
