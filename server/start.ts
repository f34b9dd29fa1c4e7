/**
 * `npm start`: builds the console if there is no build yet, applies migrations (startServer does, on either engine),
 * and serves on PORT until SIGTERM/SIGINT, which it answers with a graceful stop. Exits with a clear message when the
 * configuration is invalid.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors';
import { EnvError, loadEnv } from './env';
import { startServer } from './main';
import { withTelemetryDisabled } from './next-telemetry';

async function main() {
  const legacyOnly = process.argv.includes('--legacy-only');
  withTelemetryDisabled(process.env);
  // Refuse a bad configuration (a DATABASE_URL of an unknown scheme…) before a minutes-long first build.
  loadEnv();
  if (!legacyOnly && !fs.existsSync(path.join(process.cwd(), '.next', 'BUILD_ID'))) {
    console.log('No production build found: running `next build` once…');
    const r = spawnSync(process.execPath, [require.resolve('next/dist/bin/next'), 'build'], {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  (process.env as Record<string, string>).NODE_ENV = 'production';
  const s = await startServer({ dev: false, legacyOnly });
  // Graceful stop: the process exits only once close() has stopped the jobs, written the buffered heartbeats and
  // closed the database (a beat acknowledged to a client is not lost to a deploy). A second signal does not start
  // a second close; a close that fails is reported and exits non-zero.
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= s.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error('shutdown failed:', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  if (e instanceof EnvError || e instanceof ConfigError) {
    console.error(`\n${e.message}\n`);
    process.exit(2);
  }
  console.error(e);
  process.exit(1);
});
