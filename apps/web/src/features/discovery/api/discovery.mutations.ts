import type { BulkGrantRequestBody } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { discoveryKeys } from './discovery.queries.ts';

/** Files one request per item (one justification); the lists then show them as pending. */
export function useBulkRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BulkGrantRequestBody) => api.requestGrants({ body }),
    meta: { inlineError: true },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: discoveryKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['grants'] });
      void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
    },
  });
}
