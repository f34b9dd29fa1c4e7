/**
 * Offline IM: the group message log lives in the database and assigns a strictly increasing MsgSeq per group.
 * A product feature (everything works without a Tencent account), not a mock.
 */
import type { Clock } from '../../clock';
import type { Random } from '../../random';
import { customElem, type MessageLog } from './message-log';
import type { ImProvider } from './types';

export function createLocalIm(log: MessageLog, clock: Clock, random: Random, admin: string): ImProvider {
  return {
    name: 'local',
    async sendGroupCustom(groupId, data, opts) {
      const msgTime = clock.nowS();
      const msgSeq = await log.append(
        groupId,
        msgTime,
        opts?.fromAccount ?? admin,
        random.int(2 ** 32),
        customElem(data),
      );
      return { msgSeq, msgTime };
    },
    async groupMessages(groupId, fromSeq, toSeq) {
      return { messages: await log.range(groupId, fromSeq, toSeq), complete: true };
    },
  };
}
