'use client';
/**
 * The console's tRPC client: react-query provider plus `useTRPC()` (from @trpc/tanstack-react-query). Every request
 * carries the CSRF header the server requires on mutations (server/trpc/csrf.ts).
 */
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { MAX_BATCH_CALLS } from '@/server/trpc/batch-limit';
import type { AppRouter } from '@/server/trpc/root';
import { makeQueryClient } from './query-client';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;
function getQueryClient(): QueryClient {
  if (typeof window === 'undefined') return makeQueryClient();
  return (browserQueryClient ??= makeQueryClient());
}

export function TRPCReactProvider({ children }: { children: React.ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Split at the server's batch limit, which refuses larger batches (server/trpc/batch-limit.ts).
        httpBatchLink({ url: '/api/trpc', maxItems: MAX_BATCH_CALLS, headers: () => ({ 'x-console-csrf': '1' }) }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
