// The tRPC door: the console's API. One call into server/trpc/http.ts over the process's shared ServiceCtx.
import { getRuntime } from '@/server/runtime';
import { handleTrpcRequest } from '@/server/trpc/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function handler(req: Request): Promise<Response> {
  return handleTrpcRequest(getRuntime('next').ctx, req);
}

export { handler as GET, handler as POST };
