/** `npm run db:migrate`: applies committed migrations to DATABASE_URL, SQLite or PostgreSQL (the server also does this at start). */
import { loadEnv, pgOptions } from '../env';
import { closeDb, openDb } from '../../db/client';
import { migratePg } from '../../db/client-pg';

async function main() {
  const env = loadEnv();
  if (env.database.kind === 'pg') {
    await migratePg(pgOptions(env));
    console.log(`migrated PostgreSQL ${new URL(env.database.url).host}`);
  } else {
    await closeDb(openDb(env.database.file));
    console.log(`migrated ${env.database.file}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
