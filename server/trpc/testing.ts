/**
 * Test helpers for the console API: accounts with open sessions, and callers built from the same context function
 * the HTTP door uses (cookie, CSRF headers, Origin), so createCaller tests go through the real middlewares; and the
 * error a refused call rejects with.
 */
import { TRPCError } from '@trpc/server';
import type { ServiceCtx } from '../context';
import { fetchClientAddress, trustedProxies } from '../http/client-address';
import { createAccount } from '../services/accounts';
import { loginConsole } from '../console/sessions';
import { CSRF_HEADER, CSRF_VALUE } from './csrf';
import { createConsoleContext } from './init';
import { createCaller } from './root';
import { SESSION_COOKIE } from './session-cookie';

export const TEST_ORIGIN = 'http://console.test';
const TEST_URL = `${TEST_ORIGIN}/api/trpc`;

/** base64 of the UTF-8 bytes, as the mobile clients and the console form send passwords. */
export function clientPwd(plain: string): string {
  return Buffer.from(plain, 'utf8').toString('base64');
}

interface TestCaller {
  api: ReturnType<typeof createCaller>;
  /** Set-Cookie values the procedures produced. */
  setCookies: string[];
}

/**
 * A caller as a same-origin browser with the CSRF header; `secret` is the session cookie (none = logged out);
 * `ip` the client address the HTTP door would have resolved (default 10.0.0.1); the origin comes from the headers as
 * under `next start` with TRUSTED_PROXY = `trusted` (none: forwarded headers are ignored).
 */
export function callerFor(
  ctx: ServiceCtx,
  secret: string | null,
  opts: { headers?: Record<string, string>; csrf?: boolean; ip?: string; trusted?: string[] } = {},
): TestCaller {
  const headers = new Headers({ host: 'console.test', origin: TEST_ORIGIN, 'sec-fetch-site': 'same-origin' });
  if (opts.csrf !== false) headers.set(CSRF_HEADER, CSRF_VALUE);
  if (secret) headers.set('cookie', `${SESSION_COOKIE}=${secret}`);
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v);
  const setCookies: string[] = [];
  const client = {
    ip: opts.ip ?? '10.0.0.1',
    origin: fetchClientAddress(headers, TEST_URL, trustedProxies(opts.trusted ?? [])).origin,
  };
  // The session is resolved now, as before the port (one context for every call of this caller); createCaller takes
  // the pending context through a factory.
  const context = createConsoleContext(ctx, { headers, url: TEST_URL, client }, (v) => setCookies.push(v));
  const api = createCaller(() => context);
  return { api, setCookies };
}

/** Registers an account (role 1 teacher, 0 student) and returns a logged-in console caller. */
export async function signedIn(ctx: ServiceCtx, id: string, role: 0 | 1 = 1): Promise<TestCaller & { secret: string }> {
  await createAccount(ctx, { id, pwd: clientPwd('pass'), role });
  const { secret } = await loginConsole(ctx, { id, pwd: clientPwd('pass'), ip: '10.0.0.1' });
  return { ...callerFor(ctx, secret), secret };
}

/**
 * The TRPCError a call rejects with: its tRPC code, the AppError code behind it ('' when none) and its message.
 * Fails the test when the call succeeds or rejects with anything else.
 */
export async function errOf(p: Promise<unknown>): Promise<{ code: string; appCode: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCError)
      return { code: e.code, appCode: (e.cause as { code?: string } | undefined)?.code ?? '', message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

/** The tRPC code a call rejects with (see errOf). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  return (await errOf(p)).code;
}
