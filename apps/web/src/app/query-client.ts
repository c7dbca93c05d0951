// One QueryClient; failures surface as a toast with the server's message and request id, except where a
// view handles them itself (401 goes to sign-in; 404 renders "not found" / "not available" in place).
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';

import { isApiError } from '../lib/api-client.ts';
import { toastError } from '../lib/toast-error.ts';

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: { errorTitle?: string };
    mutationMeta: { inlineError?: boolean; errorTitle?: string };
  }
}

function handledElsewhere(error: unknown): boolean {
  return isApiError(error) && (error.status === 401 || error.status === 404);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!handledElsewhere(error)) toastError(error, query.meta?.errorTitle ?? 'Could not load data');
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        if (mutation.meta?.inlineError || (isApiError(error) && error.status === 401)) return;
        toastError(error, mutation.meta?.errorTitle ?? 'The change failed');
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: true,
        retry: (count, error) =>
          !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}
