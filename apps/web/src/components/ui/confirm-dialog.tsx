// "Are you sure?" for an irreversible change: what it is (description), what follows from it
// (consequence), Back, and the danger button, disabled while the change is on its way.
import type { ReactNode } from 'react';

import { Dialog } from './dialog.tsx';

export function ConfirmDialog({
  title,
  description,
  consequence,
  confirmLabel,
  pending,
  onConfirm,
  onClose,
}: {
  title: string;
  description: ReactNode;
  consequence: ReactNode;
  confirmLabel: string;
  pending: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog open onClose={onClose} title={title} description={description}>
      <div className="stack">
        <p>{consequence}</p>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Back
          </button>
          <button type="button" className="btn btn-danger" disabled={pending} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
