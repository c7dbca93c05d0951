import type { CreateAlertRuleBody, UpdateAlertRuleBody } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { alertKeys, alertRuleKeys } from './alerts.queries.ts';

/** Alerts feed the dashboard's counts and the nav badge too. */
function useInvalidateAlerts() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: alertKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
  };
}

/** Not optimistic: the dialog shows the server's answer (someone else may have acknowledged first). */
export function useAcknowledgeAlert() {
  const invalidate = useInvalidateAlerts();
  return useMutation({
    mutationFn: ({ id, comment }: { id: string; comment: string }) =>
      api.acknowledgeAlert({ params: { id }, body: comment ? { comment } : {} }),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
}

function useInvalidateRules() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: alertRuleKeys.all });
}

export function useCreateAlertRule() {
  const invalidate = useInvalidateRules();
  return useMutation({
    mutationFn: (body: CreateAlertRuleBody) => api.createAlertRule({ body }),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
}

export function useUpdateAlertRule() {
  const invalidate = useInvalidateRules();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateAlertRuleBody }) =>
      api.updateAlertRule({ params: { id }, body }),
    meta: { inlineError: true },
    onSuccess: invalidate,
  });
}

export function useDeleteAlertRule() {
  const invalidate = useInvalidateRules();
  return useMutation({
    mutationFn: (id: string) => api.deleteAlertRule({ params: { id } }),
    meta: { errorTitle: 'The alert rule was not deleted' },
    onSuccess: invalidate,
  });
}
