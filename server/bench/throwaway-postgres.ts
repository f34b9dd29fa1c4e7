/**
 * A throwaway PostgreSQL cluster for `npm run bench -- --pg` when neither PG_BENCH_URL nor PG_TEST_URL names one:
 * scripts/pg-throwaway.sh (the same cluster tests and CI use), with PostgreSQL's default durability settings
 * (PG_THROWAWAY_DURABLE=1: a bench should pay what production pays). stop() shuts it down and deletes its folder.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './processes';

const run = promisify(execFile);
const SCRIPT = path.join(ROOT, 'scripts', 'pg-throwaway.sh');

export interface ThrowawayPostgres {
  /** postgres://edu:<password>@127.0.0.1:<port>/edu */
  url: string;
  stop(): Promise<void>;
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const { stdout } = await run('bash', [SCRIPT, 'start'], { env: { ...process.env, PG_THROWAWAY_DURABLE: '1' } });
  const exported = (name: string) => {
    const m = new RegExp(`^export ${name}='([^']*)'$`, 'm').exec(stdout);
    if (!m) throw new Error(`pg-throwaway.sh start printed no ${name}`);
    return m[1]!;
  };
  const dir = exported('PG_THROWAWAY_DIR');
  return {
    url: exported('PG_TEST_URL'),
    stop: async () => void (await run('bash', [SCRIPT, 'stop', dir])),
  };
}
