/**
 * Server-only session access for pages and route handlers: the caller behind the request's console cookie,
 * resolved with the same service the tRPC context uses. Pages use it to redirect before rendering.
 */
import 'server-only';
import { cookies } from 'next/headers';
import { getRuntime } from '@/server/runtime';
import type { ServiceCtx } from '@/server/context';
import type { Caller } from '@/server/services/schemas';
import { resolveConsoleSession } from '@/server/console/sessions';
import { SESSION_COOKIE } from '@/server/trpc/session-cookie';

export function serviceCtx(): ServiceCtx {
  return getRuntime('next').ctx;
}

export async function currentCaller(): Promise<Caller | null> {
  const jar = await cookies();
  return resolveConsoleSession(serviceCtx(), jar.get(SESSION_COOKIE)?.value);
}
