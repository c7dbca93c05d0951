import type { ReactNode } from 'react';

export function StatCard({
  title,
  value,
  detail,
  link,
  tone,
}: {
  title: string;
  value: ReactNode;
  detail?: ReactNode;
  link?: ReactNode;
  tone?: 'amber' | 'red' | 'green' | undefined;
}) {
  return (
    <section className={`card stat${tone ? ` stat-${tone}` : ''}`} aria-label={title}>
      <h2 className="stat-title">{title}</h2>
      <p className="stat-value">{value}</p>
      {detail ? <p className="stat-detail muted small">{detail}</p> : null}
      {link ? <div className="stat-link small">{link}</div> : null}
    </section>
  );
}
