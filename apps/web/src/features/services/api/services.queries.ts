import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { PICKER_LIMIT, type PickerOption } from '../../../components/ui/search-picker.tsx';
import { api, type QueryOf } from '../../../lib/api-client.ts';
import { fetchAll } from '../../../lib/pagination.ts';

export type ServiceListFilter = Pick<QueryOf<'listServices'>, 'q' | 'namespace' | 'team' | 'cursor'>;

export const serviceKeys = {
  all: ['services'] as const,
  lists: () => [...serviceKeys.all, 'list'] as const,
  list: (filter: ServiceListFilter) => [...serviceKeys.lists(), filter] as const,
  everything: () => [...serviceKeys.all, 'everything'] as const,
  details: () => [...serviceKeys.all, 'detail'] as const,
  detail: (id: string) => [...serviceKeys.details(), id] as const,
};

export function serviceListQuery(filter: ServiceListFilter) {
  return queryOptions({
    queryKey: serviceKeys.list(filter),
    queryFn: ({ signal }) => api.listServices({ query: { limit: 50, ...filter } }, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** Every service (bounded): the request form's select and the graph. */
export function allServicesQuery() {
  return queryOptions({
    queryKey: serviceKeys.everything(),
    queryFn: ({ signal }) => fetchAll((page) => api.listServices({ query: page }, { signal }), 2000),
    staleTime: 60_000,
  });
}

/** Services whose name contains `q` (one small page), as suggestions for a SearchPicker. */
export async function searchServiceOptions(q: string, signal: AbortSignal): Promise<PickerOption[]> {
  const page = await api.listServices({ query: { limit: PICKER_LIMIT, q: q || undefined } }, { signal });
  return page.items.map((s) => ({ value: s.name, label: s.namespace }));
}

export function serviceDetailQuery(id: string) {
  return queryOptions({
    queryKey: serviceKeys.detail(id),
    queryFn: ({ signal }) => api.getService({ params: { id } }, { signal }),
  });
}
