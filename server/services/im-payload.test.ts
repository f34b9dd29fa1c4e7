/**
 * The custom IM messages the server sends take their `seq` from ctx.random and their time from the caller's
 * timeStamp, and the local IM's Random comes from ctx.random too: with both pinned, a course start is reproducible.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { imMessages } from '../../db/schema';
import { fixedRandom } from '../random';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { createAccount } from './accounts';
import { imPayload } from './course-im';
import { createCourse, startCourse } from './courses';
import { taughtCourse, asTeacher } from './course-access';

describe('IM payloads through ctx.random', () => {
  it('imPayload takes seq from the injected source', () => {
    const ctx = createTestCtx({}, { random: fixedRandom(123_456) });
    expect(imPayload(ctx, 1001, T0, { uid: 'u' })).toEqual({
      type: 1001,
      seq: 123_456,
      timestamp: T0,
      value: { uid: 'u' },
    });
  });

  it('a course start sends 1001 with the pinned seq and Random, at the pinned clock', async () => {
    // Draws in order: the payload's seq, then the local IM's message Random.
    const ctx = createTestCtx({}, { random: fixedRandom(7, 99) });
    await createAccount(ctx, { id: 'teach', pwd: 'cHdk', role: 1 });
    const t = asTeacher({ uid: 'teach', role: 1, appid: ctx.env.SDKAPPID });
    const { roomnum } = await createCourse(ctx, t, { title: 'Geometry' });
    await startCourse(ctx, await taughtCourse(ctx, t, roomnum), { timeStamp: T0 + 5 });
    const { messages } = await ctx.im.groupMessages(String(roomnum), 1, 10);
    expect(messages).toHaveLength(1);
    const data = JSON.parse((messages[0]!.msgBody[0]!.MsgContent as { Data: string }).Data) as Record<string, unknown>;
    expect(data).toEqual({ type: 1001, seq: 7, timestamp: T0 + 5, value: { uid: 'teach' } });
    expect(messages[0]!.msgTime).toBe(T0);
    const [row] = await ctx.db
      .select({ random: imMessages.random })
      .from(imMessages)
      .where(and(eq(imMessages.groupId, String(roomnum)), eq(imMessages.msgSeq, messages[0]!.msgSeq)));
    expect(row!.random).toBe(99);
  });
});
