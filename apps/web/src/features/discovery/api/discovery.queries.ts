import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api, type QueryOf } from '../../../lib/api-client.ts';

export type ImpactParams = Pick<QueryOf<'getImpact'>, 'kind' | 'id' | 'namespace'>;
export type DiscoveredFilter = Pick<
  QueryOf<'listDiscoveredEgress'>,
  'q' | 'namespace' | 'source' | 'days' | 'cursor'
>;

export const discoveryKeys = {
  all: ['discovery'] as const,
  impact: (p: ImpactParams) => [...discoveryKeys.all, 'impact', p] as const,
  list: (f: DiscoveredFilter) => [...discoveryKeys.all, 'list', f] as const,
};

/** What recent traffic an action would refuse (one API call per action). */
export function impactQuery(params: ImpactParams) {
  return queryOptions({
    queryKey: discoveryKeys.impact(params),
    queryFn: ({ signal }) => api.getImpact({ query: params }, { signal }),
  });
}

export function discoveredQuery(filter: DiscoveredFilter) {
  return queryOptions({
    queryKey: discoveryKeys.list(filter),
    queryFn: ({ signal }) => api.listDiscoveredEgress({ query: { limit: 50, ...filter } }, { signal }),
    placeholderData: keepPreviousData,
  });
}
