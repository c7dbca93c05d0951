import type { Me } from '@egress/shared';
import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';

export const authKeys = {
  all: ['auth'] as const,
  me: () => [...authKeys.all, 'me'] as const,
};

export function meQueryOptions() {
  return queryOptions({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => api<Me>('/api/v1/auth/me', { signal }),
    staleTime: Infinity,
    retry: false,
  });
}

/** The signed-in user; only used under the authenticated layout, which loads it before rendering. */
export function useMe(): Me {
  return useSuspenseQuery(meQueryOptions()).data;
}
