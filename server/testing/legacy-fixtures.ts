/**
 * Shared set-up for the legacy protocol tests: accounts through the real commands (few, since each costs an scrypt),
 * accounts in bulk straight through the services (one hash reused: the concurrency tests need hundreds), reply
 * matchers, courses created and started through the commands, the IM payloads a group received, and an IM provider
 * a test can make fail on demand (to check that 10103 leaves nothing changed).
 */
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { inTransaction } from '../../db/client';
import { imMessages, users } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { createLocalIm } from '../integrations/im/local';
import { createMessageLog } from '../integrations/im/message-log';
import { ImError, type ImProvider } from '../integrations/im/types';
import { issueToken } from '../services/auth-tokens';
import { hashPassword } from '../services/passwords';
import type { LegacyTestServer } from './legacy-server';
import { createTestCtx } from './test-ctx';

export const PWD = 'cHdk';

/** The exact reply of a command that succeeds without data. */
export const OK = { errorCode: 0, errorInfo: '' };
/** Matcher for a refusal with `code`; with `field`, its errorInfo must name that field. */
export const err = (code: number, field?: string) => ({
  errorCode: code,
  errorInfo: field ? expect.stringContaining(field) : expect.any(String),
});

/** Registers `id` with `role` and logs in through the protocol; returns the token. Fails the test on any error. */
export async function signUp(s: LegacyTestServer, id: string, role: 0 | 1, pwd = PWD): Promise<string> {
  const r = await s.call('account/regist', { id, pwd, role });
  if (r.errorCode !== 0) throw new Error(`regist ${id}: ${r.errorCode} ${r.errorInfo}`);
  const l = await s.call<{ token: string }>('account/login', { id, pwd });
  if (l.errorCode !== 0 || !l.data) throw new Error(`login ${id}: ${l.errorCode} ${l.errorInfo}`);
  return l.data.token;
}

/** Creates many accounts directly (one shared scrypt hash) and a legacy token for each; returns id → token. */
export async function seedAccounts(ctx: ServiceCtx, ids: string[], role: 0 | 1): Promise<Map<string, string>> {
  const pwdHash = await hashPassword(PWD);
  const now = ctx.clock.nowS();
  await inTransaction(ctx.db, async (tx) => {
    // Chunks keep each statement under SQLite's parameter limit.
    for (let i = 0; i < ids.length; i += 1000)
      await tx.insert(users).values(ids.slice(i, i + 1000).map((uid) => ({ uid, pwdHash, role, createdAt: now })));
  });
  const tokens = new Map<string, string>();
  for (const id of ids) tokens.set(id, await issueToken(ctx, id, 'legacy', ctx.env.SDKAPPID));
  return tokens;
}

/** Creates a course through live/create as `token` (`extra`: e.g. a cover); returns its roomnum. Fails the test on any error. */
export async function createCourse(
  s: LegacyTestServer,
  token: string,
  title = 'course',
  extra: Record<string, unknown> = {},
): Promise<number> {
  const r = await s.call<{ roomnum: number }>('live/create', { token, title, ...extra });
  expect(r.errorCode, `live/create: ${r.errorInfo}`).toBe(0);
  return r.data!.roomnum;
}

/** Starts a course through live/startcourse as `token`; the reply must be exactly the empty success envelope. */
export async function startCourse(s: LegacyTestServer, token: string, roomnum: number): Promise<void> {
  expect(await s.call('live/startcourse', { token, roomnum })).toEqual(OK);
}

/** One custom message a course's IM group received: its MsgSeq, sender and decoded Data payload. */
export interface GroupPayload {
  seq: number;
  from: string;
  data: Record<string, unknown>;
}

/** The custom payloads sent to a course's group, in MsgSeq order; each message must be one TIMCustomElem. */
export async function groupPayloads(ctx: ServiceCtx, roomnum: number): Promise<GroupPayload[]> {
  const rows = await ctx.db
    .select()
    .from(imMessages)
    .where(eq(imMessages.groupId, String(roomnum)))
    .orderBy(imMessages.msgSeq);
  return rows.map((m) => {
    const body = JSON.parse(m.msgBody) as { MsgType: string; MsgContent: { Data: string } }[];
    expect(body).toHaveLength(1);
    expect(body[0]!.MsgType).toBe('TIMCustomElem');
    return {
      seq: m.msgSeq,
      from: m.fromAccount,
      data: JSON.parse(body[0]!.MsgContent.Data) as Record<string, unknown>,
    };
  });
}

/** An IM provider a test can make fail: while `failing` is set, sends reject like an unreachable Tencent would. */
export interface FailableIm extends ImProvider {
  failing: boolean;
  /** Every send attempted, failed or not. */
  attempts: number;
}

/**
 * A test ctx whose IM is the real local provider over the ctx's own database, wrapped so it can be made to fail
 * (injected through createTestCtx's `im` override, as a Tencent outage would surface).
 */
export function createFailableImCtx(
  envOverrides: Record<string, string> = {},
): ReturnType<typeof createTestCtx> & { im: FailableIm } {
  let inner: ImProvider | null = null;
  const im: FailableIm = {
    name: 'local',
    failing: false,
    attempts: 0,
    async sendGroupCustom(groupId, data, opts) {
      im.attempts += 1;
      if (im.failing || !inner) throw new ImError('IM send_group_msg: network error: connect ECONNREFUSED');
      return inner.sendGroupCustom(groupId, data, opts);
    },
    async groupMessages(groupId, fromSeq, toSeq) {
      if (im.failing || !inner) throw new ImError('IM group_msg_get_simple: network error: connect ECONNREFUSED');
      return inner.groupMessages(groupId, fromSeq, toSeq);
    },
  };
  const ctx = createTestCtx(envOverrides, { im });
  inner = createLocalIm(createMessageLog(ctx.db), ctx.clock, ctx.random, ctx.env.IM_ADMIN);
  return Object.assign(ctx, { im });
}
