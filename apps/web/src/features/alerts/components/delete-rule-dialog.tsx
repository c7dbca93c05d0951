import type { AlertRule } from '@egress/shared';

import { Dialog } from '../../../components/ui/dialog.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { useDeleteAlertRule } from '../api/alerts.mutations.ts';
import { windowLabel } from '../alert-format.ts';

export function DeleteRuleDialog({ rule, onClose }: { rule: AlertRule; onClose: () => void }) {
  const remove = useDeleteAlertRule();
  return (
    <Dialog
      open
      onClose={onClose}
      title="Delete alert rule"
      description={
        <p>
          {rule.name}: {rule.threshold} denied flows within {windowLabel(rule.windowSeconds)} for{' '}
          {rule.service ?? 'every service'}
        </p>
      }
    >
      <div className="stack">
        <p>No new alerts are raised for it. Alerts it already raised stay, with the rule&apos;s name.</p>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Back
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={remove.isPending}
            onClick={() =>
              remove.mutate(rule.id, {
                onSuccess: () => {
                  onClose();
                  showToast({ kind: 'success', title: `Alert rule ${rule.name} deleted` });
                },
              })
            }
          >
            Delete rule
          </button>
        </div>
      </div>
    </Dialog>
  );
}
