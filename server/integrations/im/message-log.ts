/**
 * The server's own log of IM messages (table im_messages). The local provider allocates MsgSeq here; the tencent
 * provider mirrors what Tencent acknowledged, so playback indexes never depend on Tencent keeping history.
 */
import { and, asc, between, eq, max } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { imMessages } from '../../../db/schema';
import type { GroupMessage, TimElem } from './types';

export function createMessageLog(db: Db) {
  // One statement: SQLite's write lock makes MAX()+1 atomic even across processes.
  const append = db.$client.prepare<[string, number, string, number, string, string], { msg_seq: number }>(
    `INSERT INTO im_messages (group_id, msg_seq, msg_time, from_account, random, msg_body)
     SELECT ?, COALESCE(MAX(msg_seq), 0) + 1, ?, ?, ?, ? FROM im_messages WHERE group_id = ?
     RETURNING msg_seq`,
  );
  return {
    /** Appends a message with the next MsgSeq of its group; returns that seq. */
    append(groupId: string, msgTime: number, fromAccount: string, random: number, body: TimElem[]): number {
      return append.get(groupId, msgTime, fromAccount, random, JSON.stringify(body), groupId)!.msg_seq;
    },
    /** Records a message whose MsgSeq someone else (Tencent) allocated. Idempotent. */
    async mirror(groupId: string, m: GroupMessage, random: number): Promise<void> {
      await db
        .insert(imMessages)
        .values({
          groupId,
          msgSeq: m.msgSeq,
          msgTime: m.msgTime,
          fromAccount: m.fromAccount,
          random,
          msgBody: JSON.stringify(m.msgBody),
        })
        .onConflictDoNothing();
    },
    async range(groupId: string, fromSeq: number, toSeq: number): Promise<GroupMessage[]> {
      const rows = await db
        .select()
        .from(imMessages)
        .where(and(eq(imMessages.groupId, groupId), between(imMessages.msgSeq, fromSeq, toSeq)))
        .orderBy(asc(imMessages.msgSeq));
      return rows.map((r) => ({
        msgSeq: r.msgSeq,
        msgTime: r.msgTime,
        fromAccount: r.fromAccount,
        msgBody: JSON.parse(r.msgBody) as TimElem[],
      }));
    },
  };
}
export type MessageLog = ReturnType<typeof createMessageLog>;

/**
 * The highest MsgSeq this server logged for a group (0 when none): the last message it knows of, whichever provider
 * allocated it. The sweeper's end_imseq when IM 1002 could not be sent.
 */
export async function lastLoggedSeq(db: Db, groupId: string): Promise<number> {
  const row = await db
    .select({ seq: max(imMessages.msgSeq) })
    .from(imMessages)
    .where(eq(imMessages.groupId, groupId))
    .get();
  return row?.seq ?? 0;
}

export function customElem(data: Record<string, unknown>): TimElem[] {
  return [{ MsgType: 'TIMCustomElem', MsgContent: { Data: JSON.stringify(data) } }];
}
