import type { CreateServiceBody, Service } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { serviceKeys } from './services.queries.ts';

export function useCreateService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateServiceBody) => api<Service>('/api/v1/services', { method: 'POST', body }),
    meta: { inlineError: true },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: serviceKeys.all }),
  });
}
