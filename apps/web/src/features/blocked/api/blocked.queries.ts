import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { blockedApiQuery, type BlockedFilter } from '../blocked-filter.ts';

export type BlockedListFilter = BlockedFilter & { cursor?: string | undefined; limit?: number | undefined };

export const blockedKeys = {
  all: ['blocked'] as const,
  lists: () => [...blockedKeys.all, 'list'] as const,
  list: (filter: BlockedListFilter) => [...blockedKeys.lists(), filter] as const,
};

/** One page of the inbox: denied flows grouped by service and destination, most recent first. */
export function blockedListQuery(filter: BlockedListFilter) {
  const { cursor, limit = 50, ...rest } = filter;
  return queryOptions({
    queryKey: blockedKeys.list(filter),
    queryFn: ({ signal }) =>
      api.listBlockedEgress({ query: { limit, cursor, ...blockedApiQuery(rest, Date.now()) } }, { signal }),
    placeholderData: keepPreviousData,
  });
}
