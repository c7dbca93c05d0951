import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api, type QueryOf } from '../../../lib/api-client.ts';

type AlertQuery = QueryOf<'listAlerts'>;
export type AlertState = NonNullable<AlertQuery['state']>;

/** GET /api/v1/alerts's query, with the state always chosen (the page shows it as tabs). */
export type AlertListFilter = Pick<AlertQuery, 'cursor' | 'limit'> & { state: AlertState };

export const alertKeys = {
  all: ['alerts'] as const,
  lists: () => [...alertKeys.all, 'list'] as const,
  list: (filter: AlertListFilter) => [...alertKeys.lists(), filter] as const,
};

export const alertRuleKeys = {
  all: ['alert-rules'] as const,
  lists: () => [...alertRuleKeys.all, 'list'] as const,
  list: (cursor: string | undefined) => [...alertRuleKeys.lists(), { cursor }] as const,
};

export function alertListQuery(filter: AlertListFilter) {
  const { limit = 50, ...rest } = filter;
  return queryOptions({
    queryKey: alertKeys.list(filter),
    queryFn: ({ signal }) => api.listAlerts({ query: { limit, ...rest } }, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function alertRuleListQuery(cursor: string | undefined) {
  return queryOptions({
    queryKey: alertRuleKeys.list(cursor),
    queryFn: ({ signal }) => api.listAlertRules({ query: { limit: 50, cursor } }, { signal }),
    placeholderData: keepPreviousData,
  });
}
