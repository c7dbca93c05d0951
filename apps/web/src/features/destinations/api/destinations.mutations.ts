import type { CreateDestinationBody } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { destinationKeys } from './destinations.queries.ts';

export function useCreateDestination() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateDestinationBody) => api.createDestination({ body }),
    meta: { inlineError: true },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: destinationKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
    },
  });
}
