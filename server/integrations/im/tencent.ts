/**
 * Tencent IM REST v4 (`/v4/group_open_http_svc/*`), signed with the admin's UserSig, regenerated per call so it never
 * expires under a long-running process. The base URL comes from config only (IM_API_BASE), never from a request.
 */
import type { Logger } from 'pino';
import type { Random } from '../../random';
import type { UserSigSigner } from '../usersig';
import { customElem, type MessageLog } from './message-log';
import { ImError, type GroupMessage, type ImProvider, type TimElem } from './types';

interface TencentImConfig {
  apiBase: string;
  sdkappid: number;
  admin: string;
  signer: UserSigSigner;
  /** The REST `random` query parameter and each message's Random. */
  random: Random;
  timeoutMs?: number;
}

interface RestReply {
  ActionStatus?: string;
  ErrorCode?: number;
  ErrorInfo?: string;
  [k: string]: unknown;
}

/** Largest page group_msg_get_simple returns. */
const HISTORY_PAGE = 20;

export function createTencentIm(cfg: TencentImConfig, log: MessageLog, logger: Logger): ImProvider {
  async function call(command: string, body: Record<string, unknown>): Promise<RestReply> {
    const qs = new URLSearchParams({
      sdkappid: String(cfg.sdkappid),
      identifier: cfg.admin,
      usersig: cfg.signer.sign(cfg.admin),
      random: String(cfg.random.int(2 ** 32)),
      contenttype: 'json',
    });
    const url = `${cfg.apiBase.replace(/\/+$/, '')}/v4/group_open_http_svc/${command}?${qs.toString()}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(cfg.timeoutMs ?? 5000),
      });
    } catch (e) {
      throw new ImError(`IM ${command}: network error: ${(e as Error).message}`);
    }
    if (res.status !== 200) throw new ImError(`IM ${command}: HTTP ${res.status}`);
    let reply: RestReply;
    try {
      reply = (await res.json()) as RestReply;
    } catch {
      throw new ImError(`IM ${command}: reply is not JSON`);
    }
    if (reply.ActionStatus !== 'OK' || (reply.ErrorCode ?? 0) !== 0) {
      throw new ImError(`IM ${command}: ${reply.ErrorCode ?? '?'} ${reply.ErrorInfo ?? ''}`.trim(), reply.ErrorCode);
    }
    return reply;
  }

  return {
    name: 'tencent',
    async sendGroupCustom(groupId, data, opts) {
      const random = cfg.random.int(2 ** 32);
      const msgBody = customElem(data);
      const body: Record<string, unknown> = { GroupId: groupId, Random: random, MsgBody: msgBody };
      if (opts?.fromAccount) body.From_Account = opts.fromAccount;
      const r = await call('send_group_msg', body);
      const msgSeq = Number(r.MsgSeq);
      const msgTime = Number(r.MsgTime);
      if (!Number.isInteger(msgSeq) || msgSeq <= 0) throw new ImError('IM send_group_msg: reply without MsgSeq');
      const sent = { msgSeq, msgTime: Number.isInteger(msgTime) ? msgTime : 0 };
      await log.mirror(groupId, { ...sent, fromAccount: opts?.fromAccount ?? cfg.admin, msgBody }, random);
      return sent;
    },

    /**
     * Pages newest-first from `toSeq` down to `fromSeq` (group_msg_get_simple returns at most 20 per call), merged
     * with our own log so the server's messages are there even when Tencent kept nothing (AVChatRoom).
     */
    async groupMessages(groupId, fromSeq, toSeq) {
      const bySeq = new Map<number, GroupMessage>();
      for (const m of await log.range(groupId, fromSeq, toSeq)) bySeq.set(m.msgSeq, m);
      let complete = true;
      let note: string | undefined;
      let cursor = toSeq;
      try {
        while (cursor >= fromSeq) {
          const r = await call('group_msg_get_simple', {
            GroupId: groupId,
            ReqMsgNumber: HISTORY_PAGE,
            ReqMsgSeq: cursor,
          });
          const list = Array.isArray(r.RspMsgList) ? (r.RspMsgList as Record<string, unknown>[]) : [];
          if (list.length === 0) {
            if (cursor > fromSeq) {
              complete = false;
              note =
                'IM history returned nothing for part of the range (expired, or a group type that keeps no history)';
            }
            break;
          }
          let min = cursor;
          for (const raw of list) {
            const seq = Number(raw.MsgSeq);
            if (!Number.isInteger(seq)) continue;
            min = Math.min(min, seq);
            if (seq < fromSeq || seq > toSeq || raw.IsPlaceMsg === 1 || bySeq.has(seq)) continue;
            bySeq.set(seq, {
              msgSeq: seq,
              msgTime: Number(raw.MsgTimeStamp) || 0,
              fromAccount: String(raw.From_Account ?? ''),
              msgBody: Array.isArray(raw.MsgBody) ? (raw.MsgBody as TimElem[]) : [],
            });
          }
          if (r.IsFinished === 2) {
            complete = false;
            note = 'IM history expired for part of the range';
          }
          if (min >= cursor) break; // no progress: avoid looping on a misbehaving server
          cursor = min - 1;
        }
      } catch (e) {
        complete = false;
        note = `IM history unavailable: ${(e as Error).message}`;
        logger.warn({ groupId, err: (e as Error).message }, 'group history fetch failed; indexing what we have');
      }
      const messages = Array.from(bySeq, ([, m]) => m).sort((a, b) => a.msgSeq - b.msgSeq);
      return note ? { messages, complete, note } : { messages, complete };
    },
  };
}
