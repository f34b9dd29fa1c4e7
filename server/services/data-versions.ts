/**
 * Reads the trigger-bumped change counters (`data_versions`: 'course_list', 'course_order') that the caches keyed on
 * them check before serving (versioned-cache.ts, course-list-anchors.ts).
 *
 * SQLite: one prepared single-row read per call; it costs microseconds in-process.
 * PostgreSQL: a read is a network round trip per request, and every roomlist makes one (issue 15 measured roomlist at
 * 0.20× the echo ceiling). So reads are coalesced per event-loop tick: the calls made in one tick share one query
 * (`SELECT name, version FROM data_versions`, every counter at once), issued after all of them were made — at the
 * tick's end, or when the query before it returns, whichever is later. That stays exact across instances: each
 * caller's answer comes from a query that started after the caller asked, so a change another instance committed
 * before the request arrived is always seen (nothing is reused from an earlier tick, no TTL, no notification lag).
 */
import { eq, sql } from 'drizzle-orm';
import { engineOf, type Db } from '../../db/client';
import { dataVersions } from '../../db/schema';
import { preparedFor } from './prepared';

export type DataVersionName = 'course_list' | 'course_order';

export interface DataVersionReader {
  /** The counter's current value (0 when its row is missing). */
  read(name: DataVersionName): Promise<number>;
  /** How many queries were sent so far (tests, bench). */
  readonly queries: number;
}

export const dataVersionsOf = preparedFor((db): DataVersionReader => {
  return engineOf(db) === 'pg' ? coalescedReader(db) : directReader(db);
});

function directReader(db: Db): DataVersionReader {
  const one = db
    .select({ version: dataVersions.version })
    .from(dataVersions)
    .where(eq(dataVersions.name, sql.placeholder('name')))
    .prepare();
  let queries = 0;
  return {
    async read(name) {
      queries++;
      return (await one.execute({ name }))[0]?.version ?? 0;
    },
    get queries() {
      return queries;
    },
  };
}

/** Exported for tests (it works over either engine; production uses it on PostgreSQL). */
export function coalescedReader(db: Db): DataVersionReader {
  const all = db.select({ name: dataVersions.name, version: dataVersions.version }).from(dataVersions).prepare();
  let queries = 0;
  /** The batch callers of this tick join; null when none is open. */
  let open: Promise<Map<string, number>> | null = null;
  /** The query in flight, which the next batch waits for (one at a time: a slow database gets fewer, larger batches). */
  let inFlight: Promise<unknown> = Promise.resolve();
  const batch = (): Promise<Map<string, number>> => {
    const after = inFlight;
    const p = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => after)
      .then(async () => {
        // From here on, later callers open a new batch: this query may already be on its way.
        open = null;
        queries++;
        const rows = await all.execute();
        return new Map(rows.map((r) => [r.name, r.version]));
      });
    inFlight = p.catch(() => undefined);
    return p;
  };
  return {
    async read(name) {
      open ??= batch();
      return (await open).get(name) ?? 0;
    },
    get queries() {
      return queries;
    },
  };
}
