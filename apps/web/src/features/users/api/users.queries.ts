import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';

export const userKeys = {
  all: ['users'] as const,
  lists: () => [...userKeys.all, 'list'] as const,
  list: (cursor: string | undefined) => [...userKeys.lists(), { cursor }] as const,
};

export function userListQuery(cursor: string | undefined) {
  return queryOptions({
    queryKey: userKeys.list(cursor),
    queryFn: ({ signal }) => api.listUsers({ query: { limit: 50, cursor } }, { signal }),
    placeholderData: keepPreviousData,
  });
}
