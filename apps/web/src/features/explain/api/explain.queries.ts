// The one request this feature makes: GET /api/v1/explain, through the typed client (endpoint "explain").
import { queryOptions } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';

export interface ReachQuestion {
  service: string;
  host: string;
  port: number;
}

export const explainKeys = {
  all: ['explain'] as const,
  one: (q: ReachQuestion) => [...explainKeys.all, q] as const,
};

/**
 * The answer for one question. Not cached for long: it reflects grants, readiness and settings as they
 * are now, so a revisit asks again (staleTime 0, the default) while a re-render does not.
 */
export function explainQuery(q: ReachQuestion) {
  return queryOptions({
    queryKey: explainKeys.one(q),
    queryFn: ({ signal }) => api.explain({ query: { ...q } }, { signal }),
    retry: false,
  });
}
