import type { Destination, Sensitivity } from '@egress/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { PICKER_LIMIT, type PickerOption } from '../../../components/ui/search-picker.tsx';
import { api } from '../../../lib/api-client.ts';
import { fetchAll, type Page } from '../../../lib/pagination.ts';

export interface DestinationListFilter {
  q?: string | undefined;
  sensitivity?: Sensitivity | undefined;
  cursor?: string | undefined;
}

export const destinationKeys = {
  all: ['destinations'] as const,
  lists: () => [...destinationKeys.all, 'list'] as const,
  list: (filter: DestinationListFilter) => [...destinationKeys.lists(), filter] as const,
  everything: () => [...destinationKeys.all, 'everything'] as const,
  details: () => [...destinationKeys.all, 'detail'] as const,
  detail: (id: string) => [...destinationKeys.details(), id] as const,
};

export function destinationListQuery(filter: DestinationListFilter) {
  return queryOptions({
    queryKey: destinationKeys.list(filter),
    queryFn: ({ signal }) =>
      api<Page<Destination>>('/api/v1/destinations', { query: { limit: 50, ...filter }, signal }),
    placeholderData: keepPreviousData,
  });
}

/** Every destination (bounded): selects, the graph, and sensitivity look-ups by host. */
export function allDestinationsQuery() {
  return queryOptions({
    queryKey: destinationKeys.everything(),
    queryFn: ({ signal }) => fetchAll<Destination>('/api/v1/destinations', {}, 2000, signal),
    staleTime: 60_000,
  });
}

/** Destinations whose host contains `q` (one small page), as suggestions for a SearchPicker. */
export async function searchDestinationOptions(q: string, signal: AbortSignal): Promise<PickerOption[]> {
  const page = await api<Page<Destination>>('/api/v1/destinations', {
    query: { limit: PICKER_LIMIT, q: q || undefined },
    signal,
  });
  return page.items.map((d) => ({
    value: d.host,
    label: d.sensitivity === 'sensitive' ? 'sensitive' : undefined,
  }));
}

/** The live destination with exactly this host, or null when none is registered. */
export function destinationByHostQuery(host: string) {
  return queryOptions({
    queryKey: [...destinationKeys.all, 'host', host] as const,
    queryFn: async ({ signal }) => {
      const page = await api<Page<Destination>>('/api/v1/destinations', {
        query: { host, limit: 1 },
        signal,
      });
      return page.items[0] ?? null;
    },
    staleTime: 30_000,
  });
}

export function destinationDetailQuery(id: string) {
  return queryOptions({
    queryKey: destinationKeys.detail(id),
    queryFn: ({ signal }) => api<Destination>(`/api/v1/destinations/${encodeURIComponent(id)}`, { signal }),
  });
}
