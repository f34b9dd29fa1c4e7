/**
 * What the domain needs from an IM service: post a custom message to a course's group (getting its MsgSeq back) and
 * read a group's history. Implemented by `local.ts` (offline, in-database) and `tencent.ts` (REST v4).
 */

/** Custom message types the server sends (the `type` inside TIMCustomElem.Data). */
export const IM_MSG = {
  COURSE_STARTED: 1001,
  COURSE_ENDED: 1002,
  MEMBER_ENTERED: 1003,
  RECORDING_READY: 1004,
} as const;

export interface TimElem {
  MsgType: string;
  MsgContent: Record<string, unknown>;
}

interface SentMessage {
  msgSeq: number;
  msgTime: number;
}

export interface GroupMessage {
  msgSeq: number;
  msgTime: number;
  fromAccount: string;
  msgBody: TimElem[];
}

interface GroupHistory {
  messages: GroupMessage[];
  /** False when the provider could not return the whole range (e.g. an AVChatRoom keeps no history). */
  complete: boolean;
  /** Why the history is incomplete, for the playback index. */
  note?: string;
}

export interface ImProvider {
  readonly name: 'local' | 'tencent';
  /** Sends TIMCustomElem with `Data` = JSON of `data`. Rejects (any error) when the message was not accepted. */
  sendGroupCustom(
    groupId: string,
    data: Record<string, unknown>,
    opts?: { fromAccount?: string },
  ): Promise<SentMessage>;
  /** Messages of a group with `fromSeq <= MsgSeq <= toSeq`, ascending. */
  groupMessages(groupId: string, fromSeq: number, toSeq: number): Promise<GroupHistory>;
}

export class ImError extends Error {
  constructor(
    message: string,
    readonly errorCode?: number,
  ) {
    super(message);
    this.name = 'ImError';
  }
}
