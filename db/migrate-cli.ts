/** `npm run db:migrate`: applies committed migrations to DATABASE_URL (the server also does this at start). */
import { databasePath, loadEnv } from '../server/env';
import { openDb } from './client';

const file = databasePath(loadEnv().DATABASE_URL);
openDb(file).$client.close();
console.log(`migrated ${file}`);
