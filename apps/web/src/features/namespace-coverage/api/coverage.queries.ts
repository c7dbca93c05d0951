import type { Coverage } from '@egress/shared';
import { queryOptions } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';

/** Which namespaces get the default-deny policy (the dashboard card and the coverage page). */
export function coverageQuery() {
  return queryOptions({
    queryKey: ['coverage'] as const,
    queryFn: ({ signal }) => api.getCoverage(undefined, { signal }),
    staleTime: 30_000,
  });
}

/** "N of M namespaces enforced", the sentence the dashboard card and the coverage page share. */
export function coverageSummary(c: Coverage): string {
  return `${c.enforced} of ${c.total} ${c.total === 1 ? 'namespace' : 'namespaces'} enforced`;
}
