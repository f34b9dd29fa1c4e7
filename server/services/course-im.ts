/**
 * The custom IM messages the server sends to a course's group (types in integrations/im/types.ts IM_MSG): their
 * payload and their sending. Callers: courses.ts (start, end), members.ts (a member entered), recordings.ts (a
 * recording is ready), course-timeouts.ts (the payload of a dead room's end).
 */
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';

/** The payload of the custom IM messages the server sends (TIMCustomElem.Data); `seq` from ctx.random. */
export function imPayload(
  ctx: Pick<ServiceCtx, 'random'>,
  type: number,
  timestamp: number,
  value: Record<string, unknown>,
): Record<string, unknown> {
  return { type, seq: ctx.random.int(2 ** 31), timestamp, value };
}

/**
 * Sends one of those messages to a course's group (from `from`, else the admin account) and returns its MsgSeq.
 * Network: call it before the transaction that records what it announced. Throws IM_SEND_FAILED (logged, without the
 * payload).
 */
export async function sendCourseIm(
  ctx: ServiceCtx,
  groupId: string,
  data: Record<string, unknown>,
  from?: string,
): Promise<number> {
  try {
    return (await ctx.im.sendGroupCustom(groupId, data, from ? { fromAccount: from } : undefined)).msgSeq;
  } catch (e) {
    ctx.log.warn({ groupId, type: data.type, err: (e as Error).message }, 'IM send failed');
    throw new AppError('IM_SEND_FAILED');
  }
}
