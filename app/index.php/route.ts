// The legacy door for `next dev`/`next start` without the custom server. Same handler as server/main.ts uses.
import { trustedProxies } from '@/server/http/client-address';
import { serveLegacyFetch } from '@/server/legacy/fetch-adapter';
import { getRuntime } from '@/server/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function serve(req: Request): Promise<Response> {
  const rt = getRuntime('next');
  return serveLegacyFetch(rt.legacy, req, rt.ctx.env.LEGACY_MAX_BODY_BYTES, trustedProxies(rt.ctx.env.TRUSTED_PROXY));
}

export const POST = serve;
export const OPTIONS = serve;
export const GET = serve;
// Other methods get the protocol's JSON 10001 too, not Next's HTML 405.
export const PUT = serve;
export const DELETE = serve;
export const PATCH = serve;
