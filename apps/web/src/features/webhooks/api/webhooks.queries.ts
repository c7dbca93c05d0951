import type { WebhookDelivery } from '@egress/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api, type QueryOf } from '../../../lib/api-client.ts';

export type DeliveryStatus = WebhookDelivery['status'];

export type DeliveryFilter = Pick<QueryOf<'listWebhookDeliveries'>, 'status' | 'cursor'>;

export const webhookKeys = {
  all: ['webhooks'] as const,
  lists: () => [...webhookKeys.all, 'list'] as const,
  list: (cursor: string | undefined) => [...webhookKeys.lists(), { cursor }] as const,
  details: () => [...webhookKeys.all, 'detail'] as const,
  detail: (id: string) => [...webhookKeys.details(), id] as const,
  deliveries: (id: string) => [...webhookKeys.detail(id), 'deliveries'] as const,
  deliveryList: (id: string, filter: DeliveryFilter) => [...webhookKeys.deliveries(id), filter] as const,
};

export function webhookListQuery(cursor: string | undefined) {
  return queryOptions({
    queryKey: webhookKeys.list(cursor),
    queryFn: ({ signal }) => api.listWebhooks({ query: { limit: 50, cursor } }, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function webhookDetailQuery(id: string) {
  return queryOptions({
    queryKey: webhookKeys.detail(id),
    queryFn: ({ signal }) => api.getWebhook({ params: { id } }, { signal }),
  });
}

/** The delivery log, newest first. Polled while deliveries are pending so retries show up on their own. */
export function deliveryListQuery(id: string, filter: DeliveryFilter) {
  return queryOptions({
    queryKey: webhookKeys.deliveryList(id, filter),
    queryFn: ({ signal }) =>
      api.listWebhookDeliveries({ params: { id }, query: { limit: 50, ...filter } }, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some((d) => d.status === 'pending') ? 3000 : false),
  });
}
