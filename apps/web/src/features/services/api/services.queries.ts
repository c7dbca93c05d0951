import type { Service } from '@egress/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { PICKER_LIMIT, type PickerOption } from '../../../components/ui/search-picker.tsx';
import { api } from '../../../lib/api-client.ts';
import { fetchAll, type Page } from '../../../lib/pagination.ts';

export interface ServiceListFilter {
  q?: string | undefined;
  namespace?: string | undefined;
  team?: string | undefined;
  cursor?: string | undefined;
}

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
    queryFn: ({ signal }) =>
      api<Page<Service>>('/api/v1/services', { query: { limit: 50, ...filter }, signal }),
    placeholderData: keepPreviousData,
  });
}

/** Every service (bounded): the request form's select and the graph. */
export function allServicesQuery() {
  return queryOptions({
    queryKey: serviceKeys.everything(),
    queryFn: ({ signal }) => fetchAll<Service>('/api/v1/services', {}, 2000, signal),
    staleTime: 60_000,
  });
}

/** Services whose name contains `q` (one small page), as suggestions for a SearchPicker. */
export async function searchServiceOptions(q: string, signal: AbortSignal): Promise<PickerOption[]> {
  const page = await api<Page<Service>>('/api/v1/services', {
    query: { limit: PICKER_LIMIT, q: q || undefined },
    signal,
  });
  return page.items.map((s) => ({ value: s.name, label: s.namespace }));
}

export function serviceDetailQuery(id: string) {
  return queryOptions({
    queryKey: serviceKeys.detail(id),
    queryFn: ({ signal }) => api<Service>(`/api/v1/services/${encodeURIComponent(id)}`, { signal }),
  });
}
