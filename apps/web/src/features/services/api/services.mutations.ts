import type { CreateServiceBody, Service, UpdateServiceBody } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { grantKeys } from '../../grants/api/grants.queries.ts';
import { serviceKeys } from './services.queries.ts';

export function useCreateService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateServiceBody) => api<Service>('/api/v1/services', { method: 'POST', body }),
    meta: { inlineError: true },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: serviceKeys.all }),
  });
}

/** PATCH a service; the caller shows the server's verdict (a locked identity answers 409 with the way out). */
export function useUpdateService(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateServiceBody) => api<Service>(`/api/v1/services/${id}`, { method: 'PATCH', body }),
    meta: { inlineError: true },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: serviceKeys.all }),
  });
}

/** DELETE a service: its grants end with it (revoking active ones needs an approver; the server decides). */
export function useDeleteService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<null>(`/api/v1/services/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: serviceKeys.all });
      void queryClient.invalidateQueries({ queryKey: grantKeys.all });
    },
  });
}
