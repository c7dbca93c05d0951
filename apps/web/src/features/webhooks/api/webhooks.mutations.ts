import type {
  CreateWebhookBody,
  UpdateWebhookBody,
  Webhook,
  WebhookDelivery,
  WebhookWithSecretSchema,
} from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';

import { api } from '../../../lib/api-client.ts';
import { webhookKeys } from './webhooks.queries.ts';

/** The create and rotate-secret answers: the only times the signing secret leaves the server. */
export type WebhookWithSecret = z.infer<typeof WebhookWithSecretSchema>;

const path = (id: string) => `/api/v1/webhooks/${encodeURIComponent(id)}`;

function useInvalidateWebhooks() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
}

export function useCreateWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (body: CreateWebhookBody) =>
      api<WebhookWithSecret>('/api/v1/webhooks', { method: 'POST', body }),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
}

export function useUpdateWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateWebhookBody }) =>
      api<Webhook>(path(id), { method: 'PATCH', body }),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<undefined>(path(id), { method: 'DELETE' }),
    meta: { errorTitle: 'The webhook was not deleted' },
    onSuccess: (_r, id) => {
      queryClient.removeQueries({ queryKey: webhookKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: webhookKeys.lists() });
    },
  });
}

export function useRotateSecret() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (id: string) =>
      api<WebhookWithSecret>(`${path(id)}/rotate-secret`, { method: 'POST', body: {} }),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
}

/** Queues a test event for this webhook; its delivery shows in the log like any other. */
export function useTestWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (id: string) => api<unknown>(`${path(id)}/test`, { method: 'POST', body: {} }),
    meta: { errorTitle: 'The test event was not sent' },
    onSuccess: invalidate,
  });
}

export function useRetryDelivery() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (id: string) =>
      api<WebhookDelivery>(`/api/v1/webhook-deliveries/${encodeURIComponent(id)}/retry`, {
        method: 'POST',
        body: {},
      }),
    meta: { errorTitle: 'The delivery was not retried' },
    onSuccess: invalidate,
  });
}
