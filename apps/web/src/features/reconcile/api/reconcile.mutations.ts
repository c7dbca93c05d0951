import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { reconcileKeys } from './reconcile.queries.ts';

export function useRunReconcile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (dryRun: boolean) =>
      api<{ runId: string }>('/api/v1/reconcile', { method: 'POST', body: { dryRun } }),
    meta: { errorTitle: 'The reconcile run was not queued' },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: reconcileKeys.all }),
  });
}
