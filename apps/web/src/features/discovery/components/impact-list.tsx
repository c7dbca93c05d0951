// What recent traffic an action would refuse, from one impact call: a sentence ("3 services used this in
// the last 7 days"), the services, the sources no service claims, and what the evidence cannot show.
// Shown before revoking a grant, enforcing a namespace and switching a destination to enforce.
import type { Impact } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';

import { Badge } from '../../../components/ui/badge.tsx';
import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { type ImpactParams, impactQuery } from '../api/discovery.queries.ts';

export function evidenceText(s: Impact['services'][number]): string {
  const parts: string[] = [];
  if (s.observedConnections > 0) parts.push(`${s.observedConnections} connections`);
  if (s.deniedCount > 0) parts.push(`${s.deniedCount} denied`);
  return parts.join(', ') || '—';
}

export function ImpactTable({ impact, caption }: { impact: Impact; caption: string }) {
  if (impact.services.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Port</th>
            <th scope="col">Seen</th>
            <th scope="col">Last seen</th>
            <th scope="col">Request</th>
          </tr>
        </thead>
        <tbody>
          {impact.services.map((s) => (
            <tr key={`${s.serviceId}|${s.host}|${s.port}`}>
              <td>
                <Link to="/services/$serviceId" params={{ serviceId: s.serviceId }}>
                  {s.service}
                </Link>{' '}
                <span className="muted small">{s.namespace}</span>
              </td>
              <td>
                {s.host === '*' ? '' : `${s.host}:`}
                {s.port}
              </td>
              <td>{evidenceText(s)}</td>
              <td>
                <RelativeTime iso={s.lastSeen} />
              </td>
              <td>
                {s.pendingGrantId ? (
                  <Link to="/grants/$grantId" params={{ grantId: s.pendingGrantId }}>
                    <Badge tone="amber">pending</Badge>
                  </Link>
                ) : s.grantId ? (
                  <span className="muted small">this grant</span>
                ) : (
                  <span className="muted small">none</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The impact of one action, loaded here; `children` renders under the list with the loaded answer. */
export function ImpactList({
  params,
  title,
  children,
}: {
  params: ImpactParams;
  title: string;
  children?: (impact: Impact) => React.ReactNode;
}) {
  const query = useQuery(impactQuery(params));
  if (query.isError) return <ErrorPanel error={query.error} what="the traffic this would refuse" />;
  if (!query.data) return <p className="muted">Looking at recent traffic…</p>;
  const impact = query.data;
  return (
    <section className="stack" aria-label={title}>
      <p className="stat-value" role="status">
        {impact.summary}
      </p>
      <ImpactTable impact={impact} caption={title} />
      {impact.unattributed.length > 0 ? (
        <p className="small">
          Also seen from addresses no registered service claims:{' '}
          {impact.unattributed.map((u) => `${u.sourceIp} (port ${u.port}, ${u.connections})`).join(', ')}.
        </p>
      ) : null}
      {impact.note ? <p className="small muted">{impact.note}</p> : null}
      {children?.(impact)}
    </section>
  );
}
