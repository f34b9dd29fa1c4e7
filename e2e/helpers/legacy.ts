/**
 * The legacy protocol as a phone (or Tencent) speaks it, through Playwright's request context against the running
 * production server: POST /index.php?svc=…&cmd=… with a JSON body carrying appid and timeStamp. Used for what a
 * browser cannot do in these tests: students joining from the app, recording callbacks.
 */
import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import { E2E_SDKAPPID, signedCallbackFields } from './server-env';

interface Envelope<T = Record<string, unknown>> {
  errorCode: number;
  errorInfo: string;
  data?: T;
}

/** An account id unique to this run and test (≤ 32 chars of [A-Za-z0-9_-], as accounts require). */
export function uniqueId(prefix: string): string {
  const tail = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return `${prefix.slice(0, 32 - tail.length - 1)}_${tail}`;
}

/** The clients' password encoding: base64 of the UTF-8 text. */
export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export const nowS = (): number => Math.floor(Date.now() / 1000);

export class LegacyClient {
  constructor(private readonly request: APIRequestContext) {}

  /** One raw request: `body` is sent as is when a string, as JSON otherwise. */
  raw(svc: string, cmd: string, body: unknown, method = 'POST'): Promise<APIResponse> {
    const url = `/index.php?svc=${encodeURIComponent(svc)}&cmd=${encodeURIComponent(cmd)}`;
    return this.request.fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      data: method === 'OPTIONS' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** A command with the common fields filled in; the parsed envelope. */
  async call<T = Record<string, unknown>>(svcCmd: string, body: Record<string, unknown> = {}): Promise<Envelope<T>> {
    const [svc, cmd] = svcCmd.split('/') as [string, string];
    const res = await this.raw(svc, cmd, { appid: E2E_SDKAPPID, timeStamp: nowS(), ...body });
    expect(res.status(), `${svcCmd} HTTP status`).toBe(200);
    return (await res.json()) as Envelope<T>;
  }

  /** A command that must succeed; its data. */
  async ok<T = Record<string, unknown>>(svcCmd: string, body: Record<string, unknown> = {}): Promise<T> {
    const r = await this.call<T>(svcCmd, body);
    expect(r.errorCode, `${svcCmd}: ${r.errorInfo}`).toBe(0);
    return r.data as T;
  }

  /**
   * Tencent's live-recording callback (event 100) for a recording of `roomnum` pushed by `host`, signed as Tencent
   * signs it (signedCallbackFields); the raw reply, which the caller checks.
   */
  recordingReady(r: {
    roomnum: number;
    host: string;
    videoUrl: string;
    start: number;
    durationS: number;
    fileSize?: number;
  }): Promise<APIResponse> {
    return this.raw('live', 'recendcall', {
      ...signedCallbackFields(),
      event_type: 100,
      appid: 1250000000,
      stream_id: `s${r.roomnum}`,
      channel_id: `s${r.roomnum}`,
      file_id: uniqueId('file'),
      file_format: 'mp4',
      stream_param: `groupid=${r.roomnum}&userid=${b64(r.host)}&record=mp4`,
      video_id: uniqueId('video'),
      video_url: r.videoUrl,
      start_time: r.start,
      end_time: r.start + r.durationS,
      duration: r.durationS,
      media_start_time: 0,
      file_size: r.fileSize ?? 1000,
    });
  }

  /** Registers `id` with `role` (1 teacher, 0 student) and logs in; the legacy token. */
  async account(id: string, password: string, role: 0 | 1): Promise<string> {
    await this.ok('account/regist', { id, pwd: b64(password), role });
    return (await this.ok<{ token: string }>('account/login', { id, pwd: b64(password) })).token;
  }
}
