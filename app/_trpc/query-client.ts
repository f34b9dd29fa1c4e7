/** One QueryClient per browser tab (and per server render). Failed auth is not retried: the page redirects instead. */
import { QueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';

function isFinal(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus ?? 0;
  return status >= 400 && status < 500;
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (count, error) => !isFinal(error) && count < 2,
        refetchOnWindowFocus: true,
      },
    },
  });
}
