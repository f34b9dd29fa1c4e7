/** The legacy command table: "svc/cmd" → entry. Keys stay verbatim from the protocol. */
import type { CommandEntry } from '../command';
import { accountCommands } from './account';
import { liveCommands } from './live';

export const COMMANDS: Record<string, CommandEntry> = {
  ...accountCommands,
  ...liveCommands,
};
