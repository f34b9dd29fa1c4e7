/**
 * Presence: who is still in a room, as heartbeats. Every client beats every 3 s, so writing each beat would make the
 * database's write rate grow with the number of students. Instead each process keeps the latest beat per
 * (room, member) in memory and writes them all in one transaction per flush interval (PRESENCE_FLUSH_MS, 1 s by
 * default): UPDATE … FROM (VALUES …) for members, and one for the courses whose host beat. The database thus sees
 * about one write per instance per second, whatever the number of students.
 *
 * Presence is soft state. A beat acknowledged to a client reaches the database within one flush interval; a crash
 * loses at most that interval's beats, and the client's next beat (3 s later) restores them. Silence limits are
 * minutes (MEMBER_DEAD_S, COURSE_DEAD_S), so the sweeper is not misled. Events (enter, exit, create, start, end) do
 * not go through here: they stay synchronous, durable transactions.
 *
 * A row is only rewritten when its stored beat is older than the write granularity (below), so a flush touches
 * few rows; a member who left (exited_at set) is never revived by a late beat.
 */
import { sql, type SQL } from 'drizzle-orm';
import { inTransaction, type Db } from '../../db/client';
import { rawWrite } from '../../db/dialect';
import { courses, members } from '../../db/schema';

/**
 * How stale a stored heartbeat may be before a beat rewrites it: 1/12 of the shorter silence limit, at most 10 s
 * (120 s member limit → 10 s). Rewriting every beat would rewrite every member row every flush; this way a row is
 * written about once per granularity, and the sweeper's timeouts and attendance move by at most that much.
 */
export function heartbeatWriteGranularityS(env: { MEMBER_DEAD_S: number; COURSE_DEAD_S: number }): number {
  return Math.max(1, Math.min(10, Math.floor(Math.min(env.MEMBER_DEAD_S, env.COURSE_DEAD_S) / 12)));
}

/** Rows per statement: 3 parameters each, well under SQLite's 32 766 and PostgreSQL's 65 535 parameter limits. */
const ROWS_PER_STATEMENT = 2000;

export interface Presence {
  /** Records a beat. With buffering it returns at once; with PRESENCE_FLUSH_MS=0 it resolves once written. */
  beat(b: { roomnum: number; uid: string; isHost: boolean; at: number }): Promise<void> | void;
  /** Writes what is buffered now; resolves with the number of beats written (0 when there was nothing). */
  flush(): Promise<number>;
  /** Stops the timer and writes what is left (graceful shutdown). */
  stop(): Promise<void>;
  /** Beats waiting for the next flush. */
  readonly pending: number;
}

export interface PresenceOptions {
  db: Db;
  /** Flush interval; 0 writes every beat as it comes (no buffering). */
  flushMs: number;
  /** A stored beat younger than this many seconds is not rewritten. */
  granularityS: number;
  onError(e: unknown): void;
}

interface Beat {
  roomnum: number;
  uid: string;
  at: number;
}

export function createPresence(opts: PresenceOptions): Presence {
  let memberBeats = new Map<string, Beat>();
  let hostBeats = new Map<number, number>();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<number> | null = null;

  const keep = (b: Beat) => {
    const key = `${b.roomnum}\u0000${b.uid}`;
    const prev = memberBeats.get(key);
    if (!prev || prev.at < b.at) memberBeats.set(key, b);
  };
  const keepHost = (roomnum: number, at: number) => {
    if ((hostBeats.get(roomnum) ?? -1) < at) hostBeats.set(roomnum, at);
  };

  async function writeOut(m: Beat[], h: [number, number][]): Promise<number> {
    if (m.length === 0 && h.length === 0) return 0;
    await inTransaction(opts.db, async (tx) => {
      for (let i = 0; i < m.length; i += ROWS_PER_STATEMENT)
        await rawWrite(tx, memberUpdate(m.slice(i, i + ROWS_PER_STATEMENT), opts.granularityS));
      for (let i = 0; i < h.length; i += ROWS_PER_STATEMENT)
        await rawWrite(tx, hostUpdate(h.slice(i, i + ROWS_PER_STATEMENT), opts.granularityS));
    });
    return m.length + h.length;
  }

  async function flushNow(): Promise<number> {
    // One flush at a time: a slow one is followed by the next, never overlapped (the rows would race each other).
    while (flushing) await flushing;
    const m = Array.from(memberBeats, ([, b]) => b);
    const h = [...hostBeats.entries()];
    memberBeats = new Map();
    hostBeats = new Map();
    flushing = writeOut(m, h).catch((e: unknown) => {
      // Put the beats back (unless newer ones arrived meanwhile) so the next flush retries them.
      for (const b of m) keep(b);
      for (const [r, at] of h) keepHost(r, at);
      throw e;
    });
    try {
      return await flushing;
    } finally {
      flushing = null;
    }
  }

  const tick = () => {
    flushNow().catch(opts.onError);
  };

  return {
    beat(b) {
      if (opts.flushMs === 0) {
        return writeOut([b], b.isHost ? [[b.roomnum, b.at]] : []).then(() => undefined);
      }
      keep(b);
      if (b.isHost) keepHost(b.roomnum, b.at);
      if (!timer) {
        timer = setInterval(tick, opts.flushMs);
        timer.unref();
      }
    },
    flush: flushNow,
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await flushNow();
    },
    get pending() {
      return memberBeats.size + hostBeats.size;
    },
  };
}

/** Both engines name the columns of a VALUES list column1, column2, …; the casts type PostgreSQL's parameters. */
function memberUpdate(rows: Beat[], granularityS: number): SQL {
  const values = sql.join(
    rows.map((b) => sql`(cast(${b.roomnum} as integer), cast(${b.uid} as text), cast(${b.at} as bigint))`),
    sql`, `,
  );
  return sql`update ${members} set last_heartbeat = v.column3 from (values ${values}) as v
    where ${members.roomnum} = v.column1 and ${members.uid} = v.column2
      and ${members.exitedAt} is null and ${members.lastHeartbeat} <= v.column3 - ${granularityS}`;
}

function hostUpdate(rows: [number, number][], granularityS: number): SQL {
  const values = sql.join(
    rows.map(([roomnum, at]) => sql`(cast(${roomnum} as integer), cast(${at} as bigint))`),
    sql`, `,
  );
  return sql`update ${courses} set last_heartbeat = v.column2 from (values ${values}) as v
    where ${courses.roomnum} = v.column1 and ${courses.lastHeartbeat} <= v.column2 - ${granularityS}`;
}
