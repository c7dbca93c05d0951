import type { CreateGrantBody, Grant } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { grantKeys } from './grants.queries.ts';

export type Decision = 'approve' | 'reject' | 'revoke' | 'cancel';

/** Everything derived from grants: lists, sets, details, and the counts and audit views built on them. */
function useInvalidateGrants() {
  const queryClient = useQueryClient();
  return (grant?: Grant) => {
    if (grant) queryClient.setQueryData(grantKeys.detail(grant.id), grant);
    void queryClient.invalidateQueries({ queryKey: grantKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['audit'] });
    void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
    void queryClient.invalidateQueries({ queryKey: ['services'] });
    void queryClient.invalidateQueries({ queryKey: ['destinations'] });
  };
}

export function useRequestGrant() {
  const invalidate = useInvalidateGrants();
  return useMutation({
    mutationFn: (body: CreateGrantBody) => api.requestGrant({ body }),
    // The form maps field errors itself and toasts the rest.
    meta: { inlineError: true },
    onSuccess: (grant) => invalidate(grant),
  });
}

/**
 * Approve, reject, revoke or cancel. Not optimistic: the dialog waits for and shows the server's answer
 * (a 409 when someone else decided first is a normal outcome, not a glitch to paper over).
 */
export function useDecision() {
  const invalidate = useInvalidateGrants();
  return useMutation({
    mutationFn: ({ id, decision, text }: { id: string; decision: Decision; text: string }) => {
      const params = { id };
      switch (decision) {
        case 'approve':
          return api.approveGrant({ params, body: text ? { comment: text } : {} });
        case 'cancel':
          return api.cancelGrant({ params, body: text ? { reason: text } : {} });
        case 'reject':
          return api.rejectGrant({ params, body: { reason: text } });
        case 'revoke':
          return api.revokeGrant({ params, body: { reason: text } });
      }
    },
    meta: { inlineError: true },
    onSuccess: (grant) => invalidate(grant),
  });
}
