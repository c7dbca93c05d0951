import type { ReactNode } from 'react';

/** What to show when a list is empty: what it means and what to do next. */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children ? <p className="muted">{children}</p> : null}
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}

/** One table row holding an empty state, so the table keeps its header. */
export function EmptyRow({
  columns,
  ...props
}: {
  columns: number;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <tbody>
      <tr>
        <td colSpan={columns}>
          <EmptyState {...props} />
        </td>
      </tr>
    </tbody>
  );
}

/** For features whose API endpoint is not deployed yet (or not in this build). */
export function NotAvailable({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="not-available" role="note">
      <p className="empty-title">{title}</p>
      <p className="muted">
        {children ?? 'This server does not provide this yet. It will appear here once the API offers it.'}
      </p>
    </div>
  );
}
