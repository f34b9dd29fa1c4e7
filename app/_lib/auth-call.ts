/**
 * The login, register and password-reset calls of the logged-out pages, as one plain fetch each (tRPC's wire format for a single
 * mutation without a transformer: POST /api/trpc/<path>, the input as the JSON body, {result: {data}} or
 * {error: {message, data}} back). The logged-out pages stay free of the tRPC client and react-query, which keeps
 * their first-load JS small; logged-in pages get those through AppShell. The CSRF header as the tRPC client sends it.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/root';

export type AuthInputs = inferRouterInputs<AppRouter>['auth'];
export type AuthOutputs = inferRouterOutputs<AppRouter>['auth'];
export type AuthProcedure = 'login' | 'register' | 'resetPassword';

/** An error the server answered with; `data` has the same shape as a TRPCClientError's (appCode, code, …). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly data: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function callAuth<P extends AuthProcedure>(proc: P, input: AuthInputs[P]): Promise<AuthOutputs[P]> {
  const res = await fetch(`/api/trpc/auth.${proc}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-console-csrf': '1' },
    body: JSON.stringify(input),
  });
  const body = (await res.json().catch(() => null)) as {
    result?: { data: AuthOutputs[P] };
    error?: { message?: string; data?: Record<string, unknown> };
  } | null;
  if (body?.error) throw new ApiError(body.error.message ?? 'error', body.error.data ?? {});
  if (!res.ok || !body?.result) throw new TypeError('unexpected answer');
  return body.result.data;
}
