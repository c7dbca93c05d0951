import { useState } from 'react';

/** Copies `value` to the clipboard and says so (also to screen readers). */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn"
        onClick={() => {
          void navigator.clipboard.writeText(value).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {label}
      </button>
      <span role="status" className="muted small">
        {copied ? 'Copied to the clipboard' : ''}
      </span>
    </>
  );
}
