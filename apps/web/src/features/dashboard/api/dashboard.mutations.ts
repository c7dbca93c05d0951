import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { dashboardKeys } from './dashboard.queries.ts';

/**
 * Re-apply: queues a reconcile run that puts the desired state back. The strip is read again once the
 * run has had time to finish (it usually takes well under a second), and once more a little later.
 */
export function useReapply() {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: dashboardKeys.all });
  return useMutation({
    mutationFn: (reason: string) =>
      api.reapplyDrift({ body: reason.trim() ? { reason: reason.trim() } : {} }),
    meta: { errorTitle: 'Re-apply was not queued' },
    onSuccess: () => {
      window.setTimeout(refresh, 1500);
      window.setTimeout(refresh, 5000);
      void queryClient.invalidateQueries({ queryKey: ['reconcile'] });
    },
  });
}
