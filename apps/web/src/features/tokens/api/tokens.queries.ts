import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api, type QueryOf } from '../../../lib/api-client.ts';

/** The page's view of GET /api/v1/tokens's query: `all` as a switch (sent only when on). */
export type TokenListFilter = Pick<QueryOf<'listTokens'>, 'cursor'> & { all: boolean };

export const tokenKeys = {
  all: ['tokens'] as const,
  lists: () => [...tokenKeys.all, 'list'] as const,
  list: (filter: TokenListFilter) => [...tokenKeys.lists(), filter] as const,
};

export function tokenListQuery(filter: TokenListFilter) {
  return queryOptions({
    queryKey: tokenKeys.list(filter),
    queryFn: ({ signal }) =>
      api.listTokens(
        { query: { limit: 50, all: filter.all ? 'true' : undefined, cursor: filter.cursor } },
        { signal },
      ),
    placeholderData: keepPreviousData,
  });
}
