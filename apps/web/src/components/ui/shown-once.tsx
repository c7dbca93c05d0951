import type { ReactNode } from 'react';

import { CopyButton } from './copy-button.tsx';

/** A secret the server returns once (an API token, a webhook signing secret): read-only, selectable, copyable. */
export function ShownOnce({
  label,
  value,
  warning,
  copyLabel,
  onDone,
}: {
  label: string;
  value: string;
  warning: ReactNode;
  copyLabel: string;
  onDone: () => void;
}) {
  return (
    <div className="stack">
      <p className="callout callout-warn">{warning}</p>
      <label className="field">
        {label}
        <input
          type="text"
          readOnly
          value={value}
          className="mono"
          onFocus={(e) => e.currentTarget.select()}
        />
      </label>
      <div className="actions">
        <CopyButton value={value} label={copyLabel} />
        <button type="button" className="btn btn-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
