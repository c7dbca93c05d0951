import type { Token } from '@egress/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import type { Page } from '../../../lib/pagination.ts';

export const tokenKeys = {
  all: ['tokens'] as const,
  lists: () => [...tokenKeys.all, 'list'] as const,
  list: (filter: { all: boolean; cursor?: string | undefined }) => [...tokenKeys.lists(), filter] as const,
};

export function tokenListQuery(filter: { all: boolean; cursor?: string | undefined }) {
  return queryOptions({
    queryKey: tokenKeys.list(filter),
    queryFn: ({ signal }) =>
      api<Page<Token>>('/api/v1/tokens', {
        query: { limit: 50, all: filter.all ? 'true' : undefined, cursor: filter.cursor },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}
