/** The legacy command table: "svc/cmd" → entry. Keys stay verbatim from the protocol. */
import type { CommandEntry } from '../command';
import { accountCommands } from './account';
import { callbackCommands } from './callbacks';
import { cosCommands } from './cos';
import { liveCommands } from './live';
import { vodCommands } from './vod';

export const COMMANDS: Record<string, CommandEntry> = {
  ...accountCommands,
  ...liveCommands,
  ...callbackCommands,
  ...cosCommands,
  ...vodCommands,
};
