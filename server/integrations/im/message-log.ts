/**
 * The server's own log of IM messages (table im_messages). The local provider allocates MsgSeq here; the tencent
 * provider mirrors what Tencent acknowledged, so playback indexes never depend on Tencent keeping history.
 *
 * Allocating a MsgSeq is read-the-highest-then-insert, in one transaction: under SQLite's single writer (BEGIN
 * IMMEDIATE, across processes too) nobody else appends in between; under PostgreSQL's SERIALIZABLE two instances that
 * read the same highest seq of a group conflict, one is aborted (40001) and retried by inTransaction and takes the
 * next number. Either way the seqs of a group are distinct and increase in commit order. Never called inside another
 * transaction (IM sends happen outside them).
 */
import { and, asc, between, desc, eq, max } from 'drizzle-orm';
import { first, inTransaction, type Db } from '../../../db/client';
import { imMessages } from '../../../db/schema';
import type { GroupMessage, TimElem } from './types';

export function createMessageLog(db: Db) {
  return {
    /** Appends a message with the next MsgSeq of its group; returns that seq. */
    append(groupId: string, msgTime: number, fromAccount: string, random: number, body: TimElem[]): Promise<number> {
      const msgBody = JSON.stringify(body);
      return inTransaction(db, async (tx) => {
        // The highest seq through the primary key (group_id, msg_seq): one index probe, not an aggregate scan.
        const last = first(
          await tx
            .select({ seq: imMessages.msgSeq })
            .from(imMessages)
            .where(eq(imMessages.groupId, groupId))
            .orderBy(desc(imMessages.msgSeq))
            .limit(1),
        );
        const msgSeq = (last?.seq ?? 0) + 1;
        await tx.insert(imMessages).values({ groupId, msgSeq, msgTime, fromAccount, random, msgBody });
        return msgSeq;
      });
    },
    /** Records a message whose MsgSeq someone else (Tencent) allocated. Idempotent. */
    async mirror(groupId: string, m: GroupMessage, random: number): Promise<void> {
      await inTransaction(db, async (tx) => {
        await tx
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
      });
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
  const row = first(
    await db
      .select({ seq: max(imMessages.msgSeq) })
      .from(imMessages)
      .where(eq(imMessages.groupId, groupId)),
  );
  return row?.seq ?? 0;
}

export function customElem(data: Record<string, unknown>): TimElem[] {
  return [{ MsgType: 'TIMCustomElem', MsgContent: { Data: JSON.stringify(data) } }];
}
