import type { Me } from '@egress/shared';
import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { adoptHandedOffCsrfToken } from '../../../lib/csrf.ts';

export const authKeys = {
  all: ['auth'] as const,
  me: () => [...authKeys.all, 'me'] as const,
  providers: () => [...authKeys.all, 'providers'] as const,
};

export function meQueryOptions() {
  return queryOptions({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => {
      // The first load after an SSO sign-in's redirect: take the CSRF token before anything can mutate.
      adoptHandedOffCsrfToken();
      return api.me(undefined, { signal });
    },
    staleTime: Infinity,
    retry: false,
  });
}

/** The signed-in user; only used under the authenticated layout, which loads it before rendering. */
export function useMe(): Me {
  return useSuspenseQuery(meQueryOptions()).data;
}

/** Sign-in methods for the sign-in page; while it loads (or if it fails) the password form is enough. */
export function providersQueryOptions() {
  return queryOptions({
    queryKey: authKeys.providers(),
    queryFn: ({ signal }) => api.authProviders(undefined, { signal }),
    staleTime: 5 * 60_000,
    retry: false,
  });
}
