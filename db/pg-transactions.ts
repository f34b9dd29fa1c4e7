/**
 * How PostgreSQL runs inTransaction (db/client.ts): SERIALIZABLE, so every read-then-write sequence the services
 * wrote for SQLite's single writer stays correct with many instances writing at once, and retried when PostgreSQL
 * aborts one of two conflicting transactions (SQLSTATE 40001) or breaks a deadlock (40P01). The callback may therefore
 * run more than once: it must have no effect outside the database (network calls happen before, never inside).
 */
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Pool } from 'pg';
import { attachRunner, markTx, type Tx, type TxRunner } from './client';

/**
 * Attempts per transaction before the conflict is reported to the caller. Every course write also bumps shared
 * counter rows (course_counts, data_versions: triggers), so under a burst (200 creates at once over several
 * instances) many transactions conflict at once; full-jitter backoff, growing to 200 ms, spreads them out.
 */
const MAX_ATTEMPTS = 40;
const MAX_BACKOFF_MS = 200;
const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryableTxError(e: unknown): boolean {
  for (let c: unknown = e; c && typeof c === 'object'; c = (c as { cause?: unknown }).cause) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE.has(code)) return true;
  }
  return false;
}

export function pgRunner(db: NodePgDatabase<Record<string, unknown>>, pool: Pool): TxRunner {
  const runner: TxRunner = {
    engine: 'pg',
    async run<T>(fn: (tx: Tx) => Promise<T> | T): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction(
            async (pgTx) => {
              // The drizzle PostgreSQL transaction has the same query surface at run time (see db/client.ts).
              const tx = attachRunner(markTx(pgTx), runner) as unknown as Tx;
              return fn(tx);
            },
            { isolationLevel: 'serializable' },
          );
        } catch (e) {
          if (attempt >= MAX_ATTEMPTS || !isRetryableTxError(e)) throw e;
          // Jittered backoff: two conflicting retries should not collide again at once.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** attempt, MAX_BACKOFF_MS)));
        }
      }
    },
    close: () => pool.end(),
  };
  return runner;
}
