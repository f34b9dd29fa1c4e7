/**
 * The legacy protocol door, transport-independent: (method, svc, cmd, body text) → HTTP reply. Parses, checks the
 * common fields and the token, validates the entry's input with zod, calls the entry, shapes the reply, logs one
 * line. Catches everything: never a 500, an HTML page or a stack trace, whatever arrives.
 * Holds no business rule: those live in server/services.
 */
import { ZodError, type z } from 'zod';
import type { ServiceCtx } from '../context';
import { APP_ERROR_CODES, isAppError } from '../errors';
import { resolveToken } from '../services/auth-tokens';
import { asTeacher } from '../services/course-access';
import { DEPTH_MESSAGE, nestsDeeperThan } from '../http/json-depth';
import { findNul, NUL_MESSAGE } from '../http/nul-text';
import { LEGACY, LEGACY_CODE_OF } from './codes';
import type { CommandEntry, CommandMeta, ReplyKind } from './command';
import { COMMANDS } from './commands';

interface LegacyRequest {
  method: string;
  svc: string | null;
  cmd: string | null;
  /** Raw body text; null when the body exceeded the size limit. */
  body: string | null;
  /** Client address (server/http/client-address.ts); null when unknown. */
  ip: string | null;
  /** Host header and scheme the request came with: the base of URLs built into replies (requestBaseUrl). */
  host?: string;
  protocol?: string;
}

interface LegacyReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '86400',
};
const JSON_HEADERS = {
  ...CORS_HEADERS,
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  // A reply may carry caller-supplied text (an error naming a field): never let a browser sniff it into HTML.
  'X-Content-Type-Options': 'nosniff',
};

/** A failure with its protocol number and a message safe to show the client. */
class Reject {
  constructor(
    readonly code: number,
    readonly info: string,
    readonly data?: Record<string, unknown>,
  ) {}
}

function json(body: unknown): LegacyReply {
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

function okReply(kind: ReplyKind, data: unknown): LegacyReply {
  if (kind === 'envelope') {
    return json(data === undefined ? { errorCode: 0, errorInfo: '' } : { errorCode: 0, errorInfo: '', data });
  }
  return json(data ?? (kind === 'rec-callback' ? { code: 0 } : { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' }));
}

function errorReply(kind: ReplyKind, r: Reject): LegacyReply {
  if (kind === 'rec-callback') return json({ code: r.code, message: r.info });
  if (kind === 'idx-callback') return json({ ActionStatus: 'OK', ErrorCode: r.code, ErrorInfo: r.info });
  return json(
    r.data ? { errorCode: r.code, errorInfo: r.info, data: r.data } : { errorCode: r.code, errorInfo: r.info },
  );
}

function zodInfo(e: ZodError): string {
  const issue = e.issues[0];
  if (!issue) return 'invalid request data';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An integer common field, sent as a JSON number or as a decimal string (the 2017 PC client sends its appid as a
 * string). Returns null when it is neither.
 */
function commonInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  return null;
}

/** Names an unknown command in a reply: as a JSON string (quotes and control characters escaped), length-capped. */
function unknownCommand(svcCmd: string): string {
  return `unknown command ${JSON.stringify(svcCmd.length > 64 ? `${svcCmd.slice(0, 64)}…` : svcCmd)}`;
}

export function createLegacyHandler(ctx: ServiceCtx, table: Record<string, CommandEntry> = COMMANDS) {
  const log = ctx.log;

  async function dispatch(
    entry: CommandEntry,
    svcCmd: string,
    body: Record<string, unknown>,
    req: LegacyRequest,
  ): Promise<unknown> {
    const meta: CommandMeta = {
      common: { appid: 0, timeStamp: 0 },
      ip: req.ip,
      host: req.host,
      protocol: req.protocol,
    };
    if (entry.auth !== 'callback') {
      const appid = commonInt(body.appid);
      if (appid === null) throw new Reject(LEGACY.BAD_DATA, 'appid: must be an integer');
      if (appid !== ctx.env.SDKAPPID) throw new Reject(LEGACY.BAD_DATA, 'appid: unknown appid');
      // The 2017 clients omit timeStamp on most commands: it only stamps IM notices, so the server's clock stands in.
      const timeStamp = body.timeStamp === undefined ? ctx.clock.nowS() : commonInt(body.timeStamp);
      if (timeStamp === null) throw new Reject(LEGACY.BAD_DATA, 'timeStamp: must be an integer');
      meta.common = { appid, timeStamp };
    }
    if (entry.auth === 'none' || entry.auth === 'callback')
      return entry.run(ctx, (entry.input as z.ZodType).parse(body), null, meta);
    // The token's shape is checked before the input (a client without one learns that first), resolved after it.
    const token = body.token;
    if (typeof token !== 'string' || token.length === 0) throw new Reject(LEGACY.BAD_DATA, 'token: required');
    if (token.length > 512) throw new Reject(LEGACY.TOKEN_EXPIRED, APP_ERROR_CODES.TOKEN_INVALID);
    const input: unknown = (entry.input as z.ZodType).parse(body);
    const caller = await resolveToken(ctx, token, 'legacy', meta.common.appid);
    switch (entry.auth) {
      // The legacy door's one "teachers only" decision, for the entries that declare it.
      case 'teacher':
        return entry.run(ctx, input, asTeacher(caller, `${svcCmd}: only teachers may do this`), meta);
      case 'token':
        return entry.run(ctx, input, caller, meta);
    }
  }

  function toReject(e: unknown, svcCmd: string): Reject {
    if (e instanceof Reject) return e;
    if (e instanceof ZodError) return new Reject(LEGACY.BAD_DATA, zodInfo(e));
    if (isAppError(e)) return new Reject(LEGACY_CODE_OF[e.code], e.message, e.data);
    log.error({ err: e, command: svcCmd }, 'legacy command failed');
    return new Reject(LEGACY.INTERNAL, 'internal server error');
  }

  return async function handle(req: LegacyRequest): Promise<LegacyReply> {
    if (req.method === 'OPTIONS') return { status: 204, headers: CORS_HEADERS, body: '' };
    const started = performance.now();
    const svcCmd = `${req.svc ?? ''}/${req.cmd ?? ''}`;
    const entry = Object.hasOwn(table, svcCmd) ? table[svcCmd] : undefined;
    const kind: ReplyKind = entry?.reply ?? 'envelope';
    let reply: LegacyReply;
    let code: number = LEGACY.OK;
    try {
      if (req.method !== 'POST') throw new Reject(LEGACY.BAD_REQUEST, 'use POST');
      if (!entry)
        throw new Reject(LEGACY.BAD_REQUEST, req.svc && req.cmd ? unknownCommand(svcCmd) : 'svc and cmd are required');
      if (req.body === null) throw new Reject(LEGACY.BAD_JSON, 'request body too large');
      let body: unknown;
      if (req.body.trim() === '') body = {};
      else {
        try {
          body = JSON.parse(req.body);
        } catch {
          throw new Reject(LEGACY.BAD_JSON, 'request body is not valid JSON');
        }
        if (nestsDeeperThan(body)) throw new Reject(LEGACY.BAD_DATA, `body: ${DEPTH_MESSAGE}`);
        // JSON can only carry a NUL escaped, so the walk (http/nul-text.ts) runs only when the escape is there.
        const nulAt = req.body.includes('\\u0000') ? findNul(body) : null;
        if (nulAt !== null) throw new Reject(LEGACY.BAD_DATA, `${nulAt || 'body'}: ${NUL_MESSAGE}`);
      }
      if (!isObject(body)) throw new Reject(LEGACY.BAD_JSON, 'request body must be a JSON object');
      reply = okReply(kind, await dispatch(entry, svcCmd, body, req));
    } catch (e) {
      const r = toReject(e, svcCmd);
      code = r.code;
      reply = errorReply(kind, r);
    }
    const level = entry?.logLevel ?? 'info';
    if (log.isLevelEnabled(level)) {
      log[level](
        { svc: req.svc, cmd: req.cmd, errorCode: code, ms: Math.round((performance.now() - started) * 100) / 100 },
        'legacy',
      );
    }
    return reply;
  };
}

export type LegacyHandler = ReturnType<typeof createLegacyHandler>;
