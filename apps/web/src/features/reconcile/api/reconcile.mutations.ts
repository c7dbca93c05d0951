import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { reconcileKeys } from './reconcile.queries.ts';

export function useRunReconcile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (dryRun: boolean) => api.reconcile({ body: { dryRun } }),
    meta: { errorTitle: 'The reconcile run was not queued' },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: reconcileKeys.all }),
  });
}
