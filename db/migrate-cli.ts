/** `npm run db:migrate`: applies committed migrations to DATABASE_URL, SQLite or PostgreSQL (the server also does this at start). */
import { loadEnv } from '../server/env';
import { openDb } from './client';
import { migratePg, pgOptions } from './client-pg';

async function main() {
  const env = loadEnv();
  if (env.database.kind === 'pg') {
    await migratePg(pgOptions(env));
    console.log(`migrated PostgreSQL ${new URL(env.database.url).host}`);
  } else {
    openDb(env.database.file).$client.close();
    console.log(`migrated ${env.database.file}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
