/**
 * A loopback fake of Tencent IM REST v4 (`/v4/group_open_http_svc/send_group_msg` and `group_msg_get_simple`) for
 * tests of the tencent provider. It checks what the real service checks (query sdkappid/identifier/usersig/random/
 * contenttype, the UserSig's HMAC, identity and expiry, the body's GroupId/Random/MsgBody) and answers with Tencent's
 * reply shape and error codes, so a provider that passes here speaks the real protocol. It records every request for
 * assertions and can be told to fail, to hang, or to behave like an AVChatRoom (messages sent, none kept).
 * A group exists from its first message: the 2017 clients create the course's group through the IM SDK, and this
 * server never calls create_group, so the fake does not model creation.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeUserSig, verifyUserSig, type DecodedUserSig } from '../integrations/usersig';

interface FakeImOptions {
  sdkappid: number;
  /** The App administrator account: the only identifier allowed to call the REST API. */
  admin: string;
  /** The app's secret key (IM_SECRET_KEY): UserSigs must verify with it. */
  key: string;
  /** The fake's clock in Unix seconds (sig expiry, MsgTime). Defaults to the real time, like the real service. */
  nowS?: () => number;
}

interface StoredMessage {
  MsgSeq: number;
  MsgTimeStamp: number;
  MsgRandom: number;
  From_Account: string;
  MsgBody: unknown[];
}

interface RecordedRequest {
  command: string;
  query: Record<string, string>;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** What the fake answered: 0 when every check passed and the call succeeded. */
  errorCode: number;
  errorInfo: string;
  /** The JSON reply sent (undefined while hanging). */
  reply?: Record<string, unknown>;
}

interface FailureRule {
  /** Tencent ErrorCode to answer with (e.g. 10002 internal error), or an HTTP status with `http`. */
  errorCode?: number;
  errorInfo?: string;
  /** Answer with this HTTP status and a non-JSON body instead (a broken gateway). */
  http?: number;
  /** Only for this command (default: every command). */
  command?: string;
  /** How many requests to fail (default: until `reset()`). */
  times?: number;
  /** Let this many matching requests succeed first (a failure midway through a paged read). */
  after?: number;
}

export interface FakeImServer {
  /** Base URL to use as IM_API_BASE. */
  url: string;
  requests: RecordedRequest[];
  /** Messages per group, ascending MsgSeq (including those of AVChatRoom groups, which history does not return). */
  groups: Map<string, StoredMessage[]>;
  /** Makes matching requests fail with a Tencent error (after the signature checks, like a real backend fault). */
  fail(rule: FailureRule): void;
  /** Accepts requests and never answers them (until `reset()` or `close()`): provider timeouts. */
  hang(on?: boolean): void;
  /**
   * Marks a group (or, without an id, every group) as an AVChatRoom: sends work and get MsgSeqs, history does not
   * exist. `history: 'refused'` answers group_msg_get_simple with an error, `'empty'` with an empty finished list.
   */
  avChatRoom(groupId?: string, history?: 'refused' | 'empty'): void;
  /** Adds a message as if a client had sent it through the SDK (not through our server). Returns its MsgSeq. */
  inject(groupId: string, msg: { from: string; data: string; time?: number }): number;
  /** Clears failure, hang and AVChatRoom modes (keeps messages and the request log). */
  reset(): void;
  close(): Promise<void>;
}

const U32_MAX = 2 ** 32 - 1;
const HISTORY_PAGE = 20;
const ROUTE = /^\/v4\/group_open_http_svc\/([a-z_]+)$/;
/** Tencent's limit for a custom GroupId (§2.4): at most 48 bytes. */
const MAX_GROUP_ID_BYTES = 48;

class TencentFail {
  constructor(
    readonly code: number,
    readonly info: string,
  ) {}
}

function isU32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= U32_MAX;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function startFakeImServer(opts: FakeImOptions): Promise<FakeImServer> {
  const nowS = opts.nowS ?? (() => Math.floor(Date.now() / 1000));
  const requests: RecordedRequest[] = [];
  const groups = new Map<string, StoredMessage[]>();
  const failures: FailureRule[] = [];
  const avRooms = new Map<string | null, 'refused' | 'empty'>();
  const hanging = new Set<http.ServerResponse>();
  let hang = false;

  function historyMode(groupId: string): 'refused' | 'empty' | undefined {
    return avRooms.get(groupId) ?? avRooms.get(null);
  }

  function store(groupId: string, m: Omit<StoredMessage, 'MsgSeq'>): StoredMessage {
    let list = groups.get(groupId);
    if (!list) groups.set(groupId, (list = []));
    const msg: StoredMessage = { MsgSeq: list.length + 1, ...m };
    list.push(msg);
    return msg;
  }

  /** The query checks of every v4 call, in the order the real service reports them. */
  function checkQuery(q: URLSearchParams): void {
    const sdkappid = q.get('sdkappid');
    const identifier = q.get('identifier');
    const usersig = q.get('usersig');
    if (!sdkappid || !/^\d+$/.test(sdkappid) || Number(sdkappid) !== opts.sdkappid) {
      throw new TencentFail(60006, 'SDKAppID invalid');
    }
    if (!identifier || !usersig) throw new TencentFail(60005, 'identifier or usersig missing in URL');
    let d: DecodedUserSig;
    try {
      d = decodeUserSig(usersig);
    } catch {
      throw new TencentFail(70003, 'usersig cannot be parsed');
    }
    if (d['TLS.identifier'] !== identifier) throw new TencentFail(70013, 'identifier does not match the usersig');
    if (d['TLS.sdkappid'] !== opts.sdkappid) throw new TencentFail(70014, 'sdkappid does not match the usersig');
    // First the HMAC alone (a clock at -∞ never expires anything), then the expiry: they are different errors.
    if (!verifyUserSig(usersig, { key: opts.key, sdkappid: opts.sdkappid, identifier, nowS: -Infinity })) {
      throw new TencentFail(70009, 'usersig verification failed (wrong key or sdkappid)');
    }
    if (!verifyUserSig(usersig, { key: opts.key, sdkappid: opts.sdkappid, identifier, nowS: nowS() })) {
      throw new TencentFail(70001, 'usersig expired');
    }
    if (identifier !== opts.admin) throw new TencentFail(60010, 'this operation needs an App administrator');
    const random = q.get('random');
    if (random === null || !/^\d{1,10}$/.test(random) || Number(random) > U32_MAX) {
      throw new TencentFail(10004, 'random must be a 32-bit unsigned integer');
    }
    if (q.get('contenttype') !== 'json') throw new TencentFail(10004, 'contenttype must be json');
  }

  function checkGroupId(body: Record<string, unknown>): string {
    const g = body.GroupId;
    if (typeof g !== 'string' || g.length === 0 || Buffer.byteLength(g) > MAX_GROUP_ID_BYTES) {
      throw new TencentFail(10015, 'group id invalid');
    }
    return g;
  }

  function sendGroupMsg(body: Record<string, unknown>): Record<string, unknown> {
    const groupId = checkGroupId(body);
    if (!isU32(body.Random)) throw new TencentFail(10004, 'Random must be a 32-bit unsigned integer');
    const msgBody = body.MsgBody;
    if (!Array.isArray(msgBody) || msgBody.length === 0)
      throw new TencentFail(10004, 'MsgBody must be a non-empty array');
    for (const el of msgBody) {
      if (!isObject(el) || el.MsgType !== 'TIMCustomElem')
        throw new TencentFail(10004, 'MsgBody: only TIMCustomElem is expected');
      if (!isObject(el.MsgContent) || typeof el.MsgContent.Data !== 'string') {
        throw new TencentFail(10004, 'MsgBody: TIMCustomElem needs MsgContent.Data as a string');
      }
    }
    if (body.From_Account !== undefined && (typeof body.From_Account !== 'string' || body.From_Account === '')) {
      throw new TencentFail(10004, 'From_Account must be a non-empty string');
    }
    const msg = store(groupId, {
      MsgTimeStamp: nowS(),
      MsgRandom: body.Random,
      From_Account: typeof body.From_Account === 'string' ? body.From_Account : opts.admin,
      MsgBody: msgBody,
    });
    return { MsgTime: msg.MsgTimeStamp, MsgSeq: msg.MsgSeq };
  }

  function groupMsgGetSimple(body: Record<string, unknown>): Record<string, unknown> {
    const groupId = checkGroupId(body);
    const n = body.ReqMsgNumber;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
      throw new TencentFail(10004, 'ReqMsgNumber must be a positive integer');
    if (
      body.ReqMsgSeq !== undefined &&
      (typeof body.ReqMsgSeq !== 'number' || !Number.isInteger(body.ReqMsgSeq) || body.ReqMsgSeq < 0)
    ) {
      throw new TencentFail(10004, 'ReqMsgSeq must be a non-negative integer');
    }
    const mode = historyMode(groupId);
    if (mode === 'refused') throw new TencentFail(10007, 'AVChatRoom does not store messages: no history');
    const list = groups.get(groupId);
    if (!list) throw new TencentFail(10010, 'group does not exist');
    if (mode === 'empty') return { GroupId: groupId, IsFinished: 1, RspMsgList: [] };
    const top = Math.min(typeof body.ReqMsgSeq === 'number' ? body.ReqMsgSeq : list.length, list.length);
    const want = Math.min(n, top);
    const take = Math.min(want, HISTORY_PAGE);
    const page: Record<string, unknown>[] = [];
    for (let seq = top; seq > top - take; seq--) {
      const m = list[seq - 1]!;
      page.push({ ...m, IsPlaceMsg: 0, IsSystemMsg: 0, MsgPriority: 1 });
    }
    // Finished when every requested message came back; cut short (more than 20 asked) otherwise.
    return { GroupId: groupId, IsFinished: take === want ? 1 : 0, RspMsgList: page };
  }

  function activeFailure(command: string): FailureRule | undefined {
    const i = failures.findIndex((f) => f.command === undefined || f.command === command);
    if (i < 0) return undefined;
    const f = failures[i]!;
    if (f.after !== undefined && f.after > 0) {
      f.after -= 1;
      return undefined;
    }
    if (f.times !== undefined) {
      f.times -= 1;
      if (f.times <= 0) failures.splice(i, 1);
    }
    return f;
  }

  function answer(
    res: http.ServerResponse,
    rec: RecordedRequest,
    status: number,
    reply: Record<string, unknown>,
  ): void {
    rec.reply = reply;
    rec.errorCode = Number(reply.ErrorCode);
    rec.errorInfo = String(reply.ErrorInfo);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(reply));
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, text: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const command = ROUTE.exec(url.pathname)?.[1] ?? url.pathname;
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* recorded as text; rejected below */
    }
    const rec: RecordedRequest = {
      command,
      query: Object.fromEntries(url.searchParams),
      body,
      errorCode: -1,
      errorInfo: '',
    };
    requests.push(rec);
    if (hang) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    try {
      if (req.method !== 'POST') throw new TencentFail(60003, 'use POST');
      checkQuery(url.searchParams);
      if (!isObject(body)) throw new TencentFail(60003, 'body is not a JSON object');
      const fault = activeFailure(command);
      if (fault?.http !== undefined) {
        rec.errorCode = fault.http;
        rec.errorInfo = `HTTP ${fault.http}`;
        res.writeHead(fault.http, { 'Content-Type': 'text/html' });
        res.end('<html><body>bad gateway</body></html>');
        return;
      }
      if (fault) throw new TencentFail(fault.errorCode ?? 10002, fault.errorInfo ?? 'internal error');
      let result: Record<string, unknown>;
      if (command === 'send_group_msg') result = sendGroupMsg(body);
      else if (command === 'group_msg_get_simple') result = groupMsgGetSimple(body);
      else {
        answer(res, rec, 404, { ActionStatus: 'FAIL', ErrorCode: 60020, ErrorInfo: `unknown command ${command}` });
        return;
      }
      answer(res, rec, 200, { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, ...result });
    } catch (e) {
      if (!(e instanceof TencentFail)) throw e;
      answer(res, rec, 200, { ActionStatus: 'FAIL', ErrorInfo: e.info, ErrorCode: e.code });
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function endHanging(): void {
    for (const res of hanging) res.destroy();
    hanging.clear();
  }

  return {
    url,
    requests,
    groups,
    fail: (rule) => void failures.push({ ...rule }),
    hang(on = true) {
      hang = on;
      if (!on) endHanging();
    },
    avChatRoom: (groupId, history = 'refused') => void avRooms.set(groupId ?? null, history),
    inject(groupId, msg) {
      const m = store(groupId, {
        MsgTimeStamp: msg.time ?? nowS(),
        MsgRandom: Math.floor(Math.random() * U32_MAX),
        From_Account: msg.from,
        MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: msg.data } }],
      });
      return m.MsgSeq;
    },
    reset() {
      failures.length = 0;
      avRooms.clear();
      hang = false;
      endHanging();
    },
    close: () =>
      new Promise<void>((resolve) => {
        endHanging();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
