/**
 * LISTEN on one PostgreSQL channel over a dedicated connection (a pooled one would be handed to other queries), so
 * an instance hears what another committed (NOTIFY is delivered at commit, never for a rolled-back transaction).
 * The connection is re-opened after any loss, with backoff; `reset` is called after every (re)LISTEN, because
 * notifications sent while it was down are lost: whoever caches on their strength must drop everything then.
 */
import pg from 'pg';
import { pgClientConfig, type PgOptions } from './client-pg';

export interface PgListener {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export interface ListenHandlers {
  message(payload: string): void;
  reset(): void;
  error(e: Error): void;
}

const MAX_BACKOFF_MS = 30_000;

export function listenPg(o: PgOptions, channel: string, on: ListenHandlers): PgListener {
  let client: pg.Client | null = null;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let backoff = 500;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));

  const retry = () => {
    if (stopped || retryTimer) return;
    client = null;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, backoff);
    retryTimer.unref();
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client(pgClientConfig(o));
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) on.message(n.payload);
    });
    c.on('error', (e) => {
      on.error(e);
      retry();
    });
    c.on('end', retry);
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (e) {
      on.error(e as Error);
      await c.end().catch(() => undefined);
      retry();
      return;
    }
    if (stopped) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    backoff = 500;
    on.reset();
    markReady();
  }

  void connect();
  return {
    ready,
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
