/**
 * The shown course state is one rule in two forms: course-state.ts shownState (the badge, over a row's playback
 * status) and playback-status.ts shownStateSql (the state tabs' counts, in SQL). Every combination of state, index
 * status and recordings goes through both, on the test's engine, and they must agree row by row.
 */
import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../db/client';
import { courses, recordings, users } from '../../db/schema';
import { createTestCtx } from '../testing/test-ctx';
import { COURSE_STATES, COURSE_STATE, shownState } from './course-state';
import { playbackStatus, recordingWaitOf, shownStateSql } from './playback-status';

const INDEX_STATUSES = ['none', 'pending', 'ready', 'failed'] as const;

describe('the shown course state', () => {
  it('is the same in TypeScript and in SQL for every state, index status and recording count', async () => {
    const ctx = createTestCtx();
    const appid = ctx.env.SDKAPPID;
    const cases = COURSE_STATES.flatMap((state) =>
      INDEX_STATUSES.flatMap((indexStatus) => [0, 1].map((recs) => ({ state, indexStatus, recs }))),
    );
    await inTransaction(ctx.db, async (tx) => {
      await tx.insert(users).values({ uid: 't1', pwdHash: 'x', role: 1, createdAt: 1 });
      for (const [i, c] of cases.entries()) {
        const [row] = await tx
          .insert(courses)
          .values({
            appid,
            hostUid: 't1',
            title: `c${i}`,
            state: c.state,
            indexStatus: c.indexStatus,
            createdAt: i,
            listTime: i,
          })
          .returning({ roomnum: courses.roomnum });
        for (let r = 0; r < c.recs; r++) {
          await tx.insert(recordings).values({
            roomnum: row!.roomnum,
            uid: 't1',
            fileId: `f${i}`,
            videoId: `v${i}`,
            videoUrl: `videos/${i}.mp4`,
            startTime: 1,
            endTime: 2,
            mediaStartTime: 1,
            fileSize: 1,
            duration: 1,
            createdAt: 1,
          });
        }
      }
    });
    const rows = await ctx.db
      .select({
        state: courses.state,
        indexStatus: courses.indexStatus,
        endTime: courses.endTime,
        shown: shownStateSql(),
      })
      .from(courses)
      .orderBy(asc(courses.roomnum));
    expect(rows).toHaveLength(cases.length);
    const wait = recordingWaitOf(ctx);
    const seen = new Set<number>();
    for (const [i, row] of rows.entries()) {
      const ready = playbackStatus(row, cases[i]!.recs, wait) === 'ready';
      expect(Number(row.shown), JSON.stringify(cases[i])).toBe(shownState(row, ready));
      seen.add(Number(row.shown));
    }
    // The cases reach every shown state, and a state-3 course without a recording is shown as ended.
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    expect(shownState({ state: COURSE_STATE.PLAYBACK }, false)).toBe(COURSE_STATE.ENDED);
  });
});
