/**
 * What a legacy command table entry is: plain data. `handle.ts` does everything common (parsing, appid/timeStamp,
 * token, zod, errors, envelope, logging); an entry only names its input schema and the service call.
 */
import type { z } from 'zod';
import type { ServiceCtx } from '../context';
import type { Teacher } from '../services/course-access';
import type { Caller } from '../services/schemas';
import { requestBaseUrl } from '../integrations/storage/stored-ref';

/** Fields every non-callback command carries (validated by handle.ts before the entry's own schema). */
interface CommonFields {
  appid: number;
  timeStamp: number;
}

export interface CommandMeta {
  common: CommonFields;
  /** Client address (server/http/client-address.ts), null when unknown: per-IP limits and logs. */
  ip: string | null;
  /** Host header and scheme of the request (see baseUrlOf). */
  host?: string;
  protocol?: string;
}

/** How the reply is shaped: the protocol envelope, or a Tencent callback's own reply. */
export type ReplyKind = 'envelope' | 'rec-callback' | 'idx-callback';

interface BaseEntry<S extends z.ZodType> {
  input: S;
  reply?: ReplyKind;
  /** Log level of the per-request line (heartbeat: debug). */
  logLevel?: 'info' | 'debug';
}

interface TokenEntry<S extends z.ZodType> extends BaseEntry<S> {
  auth: 'token';
  run(ctx: ServiceCtx, input: z.infer<S>, caller: Caller, meta: CommandMeta): unknown;
}

/** A token of a teacher's account: anyone else gets NO_PRIVILEGE (10101) before the command runs. */
interface TeacherEntry<S extends z.ZodType> extends BaseEntry<S> {
  auth: 'teacher';
  run(ctx: ServiceCtx, input: z.infer<S>, caller: Teacher, meta: CommandMeta): unknown;
}

interface PublicEntry<S extends z.ZodType> extends BaseEntry<S> {
  /** 'none': requires appid/timeStamp but no token. 'callback': Tencent calls it: no appid, no token. */
  auth: 'none' | 'callback';
  run(ctx: ServiceCtx, input: z.infer<S>, caller: null, meta: CommandMeta): unknown;
}

/** A table entry with its input type erased (method parameters are bivariant, so any entry fits). */
export type CommandEntry = TokenEntry<z.ZodType> | TeacherEntry<z.ZodType> | PublicEntry<z.ZodType>;

/** Declares an entry with its input type inferred from its schema. */
export function command<S extends z.ZodType>(e: TokenEntry<S> | TeacherEntry<S> | PublicEntry<S>): CommandEntry {
  return e as CommandEntry;
}

/** The base URL for URLs in this command's reply (PUBLIC_BASE_URL, else the request's Host). */
export function baseUrlOf(ctx: ServiceCtx, meta: CommandMeta): string {
  return requestBaseUrl(ctx.env, meta.host, meta.protocol);
}
