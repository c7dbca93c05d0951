import type { Alert, AlertRule } from '@egress/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import type { Page } from '../../../lib/pagination.ts';

export type AlertState = 'open' | 'acknowledged' | 'all';

export interface AlertListFilter {
  state: AlertState;
  cursor?: string | undefined;
  limit?: number | undefined;
}

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
    queryFn: ({ signal }) => api<Page<Alert>>('/api/v1/alerts', { query: { limit, ...rest }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function alertRuleListQuery(cursor: string | undefined) {
  return queryOptions({
    queryKey: alertRuleKeys.list(cursor),
    queryFn: ({ signal }) =>
      api<Page<AlertRule>>('/api/v1/alert-rules', { query: { limit: 50, cursor }, signal }),
    placeholderData: keepPreviousData,
  });
}
