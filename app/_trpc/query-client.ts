/** One QueryClient per browser tab (and per server render). Failed auth is not retried: the page redirects instead. */
import { QueryCache, QueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';

function isFinal(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus ?? 0;
  return status >= 400 && status < 500;
}

function isLoggedOut(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED';
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    // A session that ended while a page was open (idle expiry, logout in another tab): back to the login page.
    queryCache: new QueryCache({
      onError: (error) => {
        if (isLoggedOut(error) && typeof window !== 'undefined' && window.location.pathname !== '/login')
          window.location.assign('/login');
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (count, error) => !isFinal(error) && count < 2,
        refetchOnWindowFocus: true,
      },
    },
  });
}
