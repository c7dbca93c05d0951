// Denied-flow visibility on the dashboard: the 24 h count, open alerts, and the newest open alerts.
import { can, type StatsSummary } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

import { alertListQuery } from '../../alerts/api/alerts.queries.ts';
import { AlertsTable } from '../../alerts/components/alerts-table.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { blockedFlows24hOf, openAlertsOf, summaryQuery } from '../api/dashboard.queries.ts';
import { StatCard } from './stat-card.tsx';

const notServed = 'Not reported by this server yet.';

const na = <span className="muted">n/a</span>;

interface CardProps {
  summary: StatsSummary | undefined;
  /** What a card shows while the summary loads (or after it failed). */
  empty: ReactNode;
}

function BlockedCard({ summary, empty }: CardProps) {
  const blocked = blockedFlows24hOf(summary);
  return (
    <StatCard
      title="Blocked egress (24 h)"
      tone={blocked ? 'amber' : undefined}
      value={blocked ?? (summary ? na : empty)}
      detail={summary && blocked === undefined ? notServed : 'denied flows in the last 24 hours'}
      link={
        <Link to="/blocked" search={{ since: '24h' }}>
          Review denied flows
        </Link>
      }
    />
  );
}

function OpenAlertsCard({ summary, empty }: CardProps) {
  const open = openAlertsOf(summary);
  return (
    <StatCard
      title="Open alerts"
      tone={open ? 'red' : undefined}
      value={open ?? (summary ? na : empty)}
      detail={summary && open === undefined ? notServed : undefined}
      link={
        <Link to="/blocked" search={{ tab: 'alerts' }}>
          Alerts and rules
        </Link>
      }
    />
  );
}

/** The cards, for roles that may open the blocked-egress page. */
export function VisibilityCards(props: CardProps) {
  const me = useMe();
  if (!can(me.role, 'blocked.read')) return null;
  return (
    <>
      <BlockedCard {...props} />
      {can(me.role, 'alerts.read') ? <OpenAlertsCard {...props} /> : null}
    </>
  );
}

/** The five newest open alerts, only when there are any (asked for only when the summary says so). */
export function OpenAlerts() {
  const me = useMe();
  const summary = useQuery(summaryQuery()).data;
  const open = openAlertsOf(summary);
  // An older summary has no count: then the list itself says whether there are any.
  const wanted = can(me.role, 'alerts.read') && summary !== undefined && open !== 0;
  const query = useQuery({ ...alertListQuery({ state: 'open', limit: 5 }), enabled: wanted });
  const alerts = query.data?.items;
  if (!wanted || !alerts?.length) return null;
  return (
    <section className="card" aria-labelledby="open-alerts-title">
      <div className="section-header">
        <h2 id="open-alerts-title">Newest open alerts</h2>
        <Link to="/blocked" search={{ tab: 'alerts' }} className="small">
          {can(me.role, 'alerts.acknowledge') ? 'Review and acknowledge' : 'All alerts'}
        </Link>
      </div>
      <AlertsTable
        caption="Newest open alerts"
        alerts={alerts}
        actions={false}
        empty={{ title: 'No open alerts.' }}
      />
    </section>
  );
}
