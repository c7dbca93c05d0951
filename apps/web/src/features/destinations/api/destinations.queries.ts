import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { PICKER_LIMIT, type PickerOption } from '../../../components/ui/search-picker.tsx';
import { api, type QueryOf } from '../../../lib/api-client.ts';
import { fetchAll } from '../../../lib/pagination.ts';

export type DestinationListFilter = Pick<QueryOf<'listDestinations'>, 'q' | 'sensitivity' | 'cursor'>;

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
    queryFn: ({ signal }) => api.listDestinations({ query: { limit: 50, ...filter } }, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** Every destination (bounded): selects, the graph, and sensitivity look-ups by host. */
export function allDestinationsQuery() {
  return queryOptions({
    queryKey: destinationKeys.everything(),
    queryFn: ({ signal }) => fetchAll((page) => api.listDestinations({ query: page }, { signal }), 2000),
    staleTime: 60_000,
  });
}

/** Destinations whose host contains `q` (one small page), as suggestions for a SearchPicker. */
export async function searchDestinationOptions(q: string, signal: AbortSignal): Promise<PickerOption[]> {
  const page = await api.listDestinations({ query: { limit: PICKER_LIMIT, q: q || undefined } }, { signal });
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
      const page = await api.listDestinations({ query: { host, limit: 1 } }, { signal });
      return page.items[0] ?? null;
    },
    staleTime: 30_000,
  });
}

export function destinationDetailQuery(id: string) {
  return queryOptions({
    queryKey: destinationKeys.detail(id),
    queryFn: ({ signal }) => api.getDestination({ params: { id } }, { signal }),
  });
}
