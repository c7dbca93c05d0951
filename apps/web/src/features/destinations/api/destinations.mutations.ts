import type { CreateDestinationBody, UpdateDestinationBody } from '@egress/shared';
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

/** A change to a destination (here: its mode); the detail, the lists and the impact lists follow. */
export function useUpdateDestination(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateDestinationBody) => api.updateDestination({ params: { id }, body }),
    meta: { inlineError: true },
    onSuccess: (d) => {
      queryClient.setQueryData(destinationKeys.detail(id), d);
      void queryClient.invalidateQueries({ queryKey: destinationKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['discovery'] });
      void queryClient.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}
