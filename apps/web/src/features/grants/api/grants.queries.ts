import type { Grant, GrantState } from '@egress/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { fetchAll, type Page } from '../../../lib/pagination.ts';

export interface GrantListFilter {
  state?: GrantState | undefined;
  service?: string | undefined;
  /** A host, or "*" for port-wide grants. */
  destination?: string | undefined;
  requestedBy?: string | undefined;
  /** By request time; the API's default is desc (newest first). */
  order?: 'asc' | 'desc' | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export const grantKeys = {
  all: ['grants'] as const,
  lists: () => [...grantKeys.all, 'list'] as const,
  list: (filter: GrantListFilter) => [...grantKeys.lists(), filter] as const,
  /** Whole sets read page by page (the graph, a destination's access), bounded. */
  sets: () => [...grantKeys.all, 'set'] as const,
  set: (filter: Omit<GrantListFilter, 'cursor' | 'limit' | 'order'>) =>
    [...grantKeys.sets(), filter] as const,
  details: () => [...grantKeys.all, 'detail'] as const,
  detail: (id: string) => [...grantKeys.details(), id] as const,
};

export function grantListQuery(filter: GrantListFilter) {
  return queryOptions({
    queryKey: grantKeys.list(filter),
    queryFn: ({ signal }) => api<Page<Grant>>('/api/v1/grants', { query: { limit: 50, ...filter }, signal }),
    placeholderData: keepPreviousData,
  });
}

/** Every grant matching the filter, up to `cap`: for views that need a whole (small) set, e.g. the graph. */
export function grantSetQuery(filter: Omit<GrantListFilter, 'cursor' | 'limit' | 'order'>, cap = 2000) {
  return queryOptions({
    queryKey: grantKeys.set(filter),
    queryFn: ({ signal }) => fetchAll<Grant>('/api/v1/grants', { ...filter }, cap, signal),
  });
}

export function grantDetailQuery(id: string) {
  return queryOptions({
    queryKey: grantKeys.detail(id),
    queryFn: ({ signal }) => api<Grant>(`/api/v1/grants/${encodeURIComponent(id)}`, { signal }),
  });
}
