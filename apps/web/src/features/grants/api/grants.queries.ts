import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api, type QueryOf } from '../../../lib/api-client.ts';
import { fetchAll } from '../../../lib/pagination.ts';

/** GET /api/v1/grants's query: state, service, destination (a host, or "*" for port-wide), requestedBy, order, cursor, limit. */
export type GrantListFilter = QueryOf<'listGrants'>;

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
  review: (id: string) => [...grantKeys.all, 'review', id] as const,
};

/** The inbox's filters, carried from the inbox to each review and back (and walked by "Approve & next"). */
export interface InboxFilter {
  sensitivity?: 'standard' | 'sensitive' | undefined;
  portWide?: 'true' | 'false' | undefined;
  team?: string | undefined;
  waiting?: 'true' | undefined;
}

export function inboxQuery(f: InboxFilter): GrantListFilter {
  return {
    state: 'pending',
    order: 'asc',
    sensitivity: f.sensitivity,
    portWide: f.portWide,
    team: f.team,
    waitingOnMe: f.waiting,
  };
}

/** Everything an approver needs to decide one request, in one call (GET /grants/{id}/review). */
export function grantReviewQuery(id: string) {
  return queryOptions({
    queryKey: grantKeys.review(id),
    queryFn: ({ signal }) => api.getGrantReview({ params: { id } }, { signal }),
  });
}

/**
 * The next request in the inbox the current user may still decide, after `currentId`: oldest first,
 * the inbox's filters kept, "waiting on me" always (a request I asked for or already approved is not next).
 */
export async function nextInInbox(currentId: string, f: InboxFilter): Promise<string | null> {
  const page = await api.listGrants({ query: { ...inboxQuery(f), waitingOnMe: 'true', limit: 3 } });
  return page.items.find((g) => g.id !== currentId)?.id ?? null;
}

export function grantListQuery(filter: GrantListFilter) {
  return queryOptions({
    queryKey: grantKeys.list(filter),
    queryFn: ({ signal }) => api.listGrants({ query: { limit: 50, ...filter } }, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** Every grant matching the filter, up to `cap`: for views that need a whole (small) set, e.g. the graph. */
export function grantSetQuery(filter: Omit<GrantListFilter, 'cursor' | 'limit' | 'order'>, cap = 2000) {
  return queryOptions({
    queryKey: grantKeys.set(filter),
    queryFn: ({ signal }) =>
      fetchAll((page) => api.listGrants({ query: { ...filter, ...page } }, { signal }), cap),
  });
}

export function grantDetailQuery(id: string) {
  return queryOptions({
    queryKey: grantKeys.detail(id),
    queryFn: ({ signal }) => api.getGrant({ params: { id } }, { signal }),
  });
}
