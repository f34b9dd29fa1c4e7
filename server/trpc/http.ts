/**
 * The tRPC door over fetch: `app/api/trpc/[trpc]/route.ts` is one call to this. Kept out of app/ so tests drive the
 * exact handler with plain Request objects (status codes, cookies, error shapes) without starting Next.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { ServiceCtx } from '../context';
import { fetchClientAddress, trustedProxies } from '../http/client-address';
import { GUARD_REPLY_HEADERS, MAX_REQUEST_BODY_BYTES, readBoundedBody } from '../request-guards';
import { MAX_BATCH_CALLS } from './batch-limit';
import { createConsoleContext } from './init';
import { appRouter } from './root';

const TRPC_ENDPOINT = '/api/trpc';

export async function handleTrpcRequest(ctx: ServiceCtx, raw: Request): Promise<Response> {
  // Bounded before tRPC reads it: under `next start` without server/main.ts nothing else limits the body.
  let req = raw;
  if (raw.body) {
    const body = await readBoundedBody(raw, MAX_REQUEST_BODY_BYTES);
    if (body === null) return new Response('request body too large', { status: 413, headers: GUARD_REPLY_HEADERS });
    req = new Request(raw.url, {
      method: raw.method,
      headers: raw.headers,
      body: body as BodyInit,
      signal: raw.signal,
    });
  }
  const trusted = trustedProxies(ctx.env.TRUSTED_PROXY);
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req,
    router: appRouter,
    // A larger batch is refused with 400 before any call runs (batch-limit.ts).
    maxBatchSize: MAX_BATCH_CALLS,
    createContext: ({ req: r, resHeaders }) =>
      createConsoleContext(
        ctx,
        { headers: r.headers, url: r.url, client: fetchClientAddress(r.headers, r.url, trusted) },
        (v) => resHeaders.append('Set-Cookie', v),
      ),
    onError: ({ error, path, type }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        ctx.log.error({ err: error.cause ?? error, path, type }, 'console request failed');
    },
  });
}
