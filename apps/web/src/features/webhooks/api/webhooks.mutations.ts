import type { CreateWebhookBody, UpdateWebhookBody, WebhookWithSecretSchema } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';

import { api } from '../../../lib/api-client.ts';
import { webhookKeys } from './webhooks.queries.ts';

/** The create and rotate-secret answers: the only times the signing secret leaves the server. */
export type WebhookWithSecret = z.infer<typeof WebhookWithSecretSchema>;

function useInvalidateWebhooks() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
}

export function useCreateWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (body: CreateWebhookBody) => api.createWebhook({ body }),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
}

export function useUpdateWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateWebhookBody }) =>
      api.updateWebhook({ params: { id }, body }),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deleteWebhook({ params: { id } }),
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
    mutationFn: (id: string) => api.rotateWebhookSecret({ params: { id } }),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
}

/** Queues a test event for this webhook; its delivery shows in the log like any other. */
export function useTestWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (id: string) => api.testWebhook({ params: { id } }),
    meta: { errorTitle: 'The test event was not sent' },
    onSuccess: invalidate,
  });
}

export function useRetryDelivery() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (id: string) => api.retryWebhookDelivery({ params: { id } }),
    meta: { errorTitle: 'The delivery was not retried' },
    onSuccess: invalidate,
  });
}
