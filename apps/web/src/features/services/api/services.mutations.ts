import type { CreateServiceBody, UpdateServiceBody } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { grantKeys } from '../../grants/api/grants.queries.ts';
import { serviceKeys } from './services.queries.ts';

export function useCreateService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateServiceBody) => api.createService({ body }),
    meta: { inlineError: true },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: serviceKeys.all }),
  });
}

/** PATCH a service; the caller shows the server's verdict (a locked identity answers 409 with the way out). */
export function useUpdateService(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateServiceBody) => api.updateService({ params: { id }, body }),
    meta: { inlineError: true },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: serviceKeys.all }),
  });
}

/** DELETE a service: its grants end with it (revoking active ones needs an approver; the server decides). */
export function useDeleteService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deleteService({ params: { id } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: serviceKeys.all });
      void queryClient.invalidateQueries({ queryKey: grantKeys.all });
    },
  });
}
