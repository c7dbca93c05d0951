import type { ReactNode } from 'react';

export type Tone = 'amber' | 'green' | 'grey' | 'red' | 'blue';

/** A small status label; `title` explains it on hover (e.g. the reason a grant was revoked). */
export function Badge({
  tone,
  children,
  title,
}: {
  tone: Tone;
  children: ReactNode;
  title?: string | undefined;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** The padlock on a 16×16 grid: drawn, not an emoji, so it renders the same without emoji fonts. */
export const LOCK_PATH =
  'M4.5 7V5a3.5 3.5 0 0 1 7 0v2h.5a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h.5Zm1.5 0h4V5a2 2 0 1 0-4 0v2Z';

export function LockIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path d={LOCK_PATH} fill="currentColor" />
    </svg>
  );
}
