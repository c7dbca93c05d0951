import type { AlertRule } from '@egress/shared';

import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { windowLabel } from '../alert-format.ts';
import { useDeleteAlertRule } from '../api/alerts.mutations.ts';

export function DeleteRuleDialog({ rule, onClose }: { rule: AlertRule; onClose: () => void }) {
  const remove = useDeleteAlertRule();
  return (
    <ConfirmDialog
      title="Delete alert rule"
      description={
        <p>
          {rule.name}: {rule.threshold} denied flows within {windowLabel(rule.windowSeconds)} for{' '}
          {rule.service ?? 'every service'}
        </p>
      }
      consequence="No new alerts are raised for it. Alerts it already raised stay, with the rule's name."
      confirmLabel="Delete rule"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() =>
        remove.mutate(rule.id, {
          onSuccess: () => {
            onClose();
            showToast({ kind: 'success', title: `Alert rule ${rule.name} deleted` });
          },
        })
      }
      onClose={onClose}
    />
  );
}
