/**
 * The tRPC door over fetch: `app/api/trpc/[trpc]/route.ts` is one call to this. Kept out of app/ so tests drive the
 * exact handler with plain Request objects (status codes, cookies, error shapes) without starting Next.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { ServiceCtx } from '../context';
import { fetchClientAddress, trustedProxies } from '../http/client-address';
import { createConsoleContext } from './init';
import { appRouter } from './root';

export const TRPC_ENDPOINT = '/api/trpc';

export function handleTrpcRequest(ctx: ServiceCtx, req: Request): Promise<Response> {
  const trusted = trustedProxies(ctx.env.TRUSTED_PROXY);
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req,
    router: appRouter,
    createContext: ({ req: r, resHeaders }) =>
      createConsoleContext(ctx, { headers: r.headers, url: r.url, client: fetchClientAddress(r.headers, r.url, trusted) }, (v) =>
        resHeaders.append('Set-Cookie', v),
      ),
    onError: ({ error, path, type }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') ctx.log.error({ err: error.cause ?? error, path, type }, 'console request failed');
    },
  });
}
