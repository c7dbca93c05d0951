// "Are you sure?" for an irreversible change: what it is (description), what follows from it
// (consequence), Back, and the danger button, disabled while the change is on its way. The caller
// closes it and raises a toast on success; a refusal (`error`) is shown inside and keeps it open.
import type { ReactNode } from 'react';

import { Dialog } from './dialog.tsx';
import { RefusedNotice } from './error-panel.tsx';

export function ConfirmDialog({
  title,
  description,
  consequence,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  description: ReactNode;
  consequence: ReactNode;
  confirmLabel: string;
  pending: boolean;
  /** The failed attempt, if the last one failed. */
  error?: Error | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog open onClose={onClose} title={title} description={description}>
      <div className="stack">
        <p>{consequence}</p>
        <RefusedNotice error={error} />
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            {error ? 'Close' : 'Back'}
          </button>
          <button type="button" className="btn btn-danger" disabled={pending} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
