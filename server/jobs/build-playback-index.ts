/**
 * The playback index job: builds the JSON index of ended courses whose index is due (closeCourseTx queues it
 * REPLAY_INDEX_DELAY_S after the end, so late recording callbacks are in), writes it to object storage, then marks the
 * course state 3 with playback_idx_url. Each course is claimed with a conditional UPDATE that also leases it
 * (index_due_at moves LEASE_S ahead), so two processes never build the same course at once and a build that died is
 * retried after the lease. Failures are recorded (index_error), retried with exponential backoff, and after
 * REPLAY_INDEX_MAX_ATTEMPTS left visible as 'failed' (the console's retry calls requeuePlaybackIndex).
 * Orchestration only: the due list, claim and state writes are services/playback-build.ts.
 */
import { randomBytes } from 'node:crypto';
import { SERVER_KEY_PREFIX } from '../integrations/storage/keys';
import { keyOfStoredRef, storedRefOfKey } from '../integrations/storage/stored-ref';
import type { ServiceCtx } from '../context';
import {
  claimIndexBuild,
  completeIndexBuild,
  dueIndexBuilds,
  recordIndexBuildFailure,
} from '../services/playback-build';
import { assemblePlaybackIndex } from '../services/playback-index';

export { requeuePlaybackIndex } from '../services/playback';

/** How long a claimed build may take before another process may try again. */
export const INDEX_LEASE_S = 600;
const BATCH = 20;

/** Delay before retry n (1-based): 60 s, 120 s, 240 s … capped at an hour. */
export function indexBackoffS(attempt: number): number {
  return Math.min(60 * 2 ** Math.max(0, attempt - 1), 3600);
}

/**
 * Where a course's index is stored: `playback/<roomnum>/<128-bit random hex>/index.json`, so its URL (served publicly
 * by /storage/) cannot be derived from the room number: a URL seen once opens that course only. The random segment
 * is made at the first build and kept for rebuilds (`current`: the course's stored reference), so the URL a teacher
 * shared stays valid and no stale copies pile up.
 */
export function playbackIndexKey(
  roomnum: number,
  current: string,
  random: () => string = () => randomBytes(16).toString('hex'),
): string {
  const prefix = `${SERVER_KEY_PREFIX.PLAYBACK}${roomnum}/`;
  const key = keyOfStoredRef(current);
  const m = key?.startsWith(prefix) ? /^([0-9a-f]{32})\/index\.json$/.exec(key.slice(prefix.length)) : null;
  return `${prefix}${m ? m[1] : random()}/index.json`;
}

export interface IndexJobResult {
  built: number[];
  retrying: number[];
  failed: number[];
}

export async function buildPlaybackIndexes(ctx: ServiceCtx): Promise<IndexJobResult> {
  const result: IndexJobResult = { built: [], retrying: [], failed: [] };
  const now = ctx.clock.nowS();
  for (const roomnum of await dueIndexBuilds(ctx, now, BATCH)) {
    const outcome = await buildOne(ctx, roomnum, now);
    if (outcome) result[outcome].push(roomnum);
  }
  if (result.built.length || result.retrying.length || result.failed.length) ctx.log.info(result, 'playback indexes');
  return result;
}

async function buildOne(ctx: ServiceCtx, roomnum: number, now: number): Promise<keyof IndexJobResult | null> {
  const lease = now + INDEX_LEASE_S;
  const claimed = await claimIndexBuild(ctx, roomnum, now, lease);
  if (!claimed) return null; // another process got it first
  try {
    // The sweeper sets end_imseq just after ending a course (IM first); building before that would cut the messages.
    if (claimed.beginImseq > 0 && claimed.endImseq === 0) throw new Error('end_imseq is not settled yet');
    const index = await assemblePlaybackIndex(ctx, claimed);
    const key = playbackIndexKey(roomnum, claimed.playbackIdxUrl);
    await ctx.storage.putObject(key, Buffer.from(JSON.stringify(index)), { contentType: 'application/json' });
    if (!(await completeIndexBuild(ctx, roomnum, lease, storedRefOfKey(key)))) {
      ctx.log.info({ roomnum }, 'playback index built but the course was re-queued or resolved meanwhile; leaving it');
      return null;
    }
    ctx.log.info(
      {
        roomnum,
        key,
        recordings: index.recordings.length,
        messages: index.messages.count,
        complete: index.messages.complete,
      },
      'playback index ready',
    );
    return 'built';
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    const attempts = claimed.indexAttempts;
    const giveUp = attempts >= ctx.env.REPLAY_INDEX_MAX_ATTEMPTS;
    await recordIndexBuildFailure(ctx, roomnum, lease, message, giveUp ? null : now + indexBackoffS(attempts));
    ctx.log.warn({ roomnum, attempts, giveUp, err: message }, 'playback index build failed');
    return giveUp ? 'failed' : 'retrying';
  }
}
