import {
  can,
  type Me,
  type ReconcileRun,
  type ReconcileStatusReport,
  type StatsSummary,
} from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';

import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { isNotFound } from '../../../lib/api-client.ts';
import { duration } from '../../../lib/format.ts';
import { RecentAudit } from '../../audit/components/recent-audit.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { grantListQuery } from '../../grants/api/grants.queries.ts';
import { GrantsTable } from '../../grants/components/grants-table.tsx';
import { coverageQuery, coverageSummary } from '../../namespace-coverage/api/coverage.queries.ts';
import { readinessUnknownReason } from '../../reconcile/api/gateway-readiness.ts';
import { reconcileStatusQuery } from '../../reconcile/api/reconcile.queries.ts';
import { activityQuery, summaryQuery } from '../api/dashboard.queries.ts';
import { ActivityChart } from './activity-chart.tsx';
import { HealthStrip } from './health-strip.tsx';
import { StatCard } from './stat-card.tsx';
import { OpenAlerts, VisibilityCards } from './visibility-cards.tsx';

const loading = <span className="skeleton skeleton-num" aria-label="Loading" />;

function PendingCard({ summary, empty }: { summary: StatsSummary | undefined; empty: React.ReactNode }) {
  const oldest = summary?.oldestPendingAt;
  return (
    <StatCard
      title="Pending requests"
      tone={summary?.pendingGrants ? 'amber' : undefined}
      value={summary ? summary.pendingGrants : empty}
      detail={
        oldest
          ? `oldest waiting ${duration(Date.now() - Date.parse(oldest))}`
          : summary
            ? 'nothing waiting'
            : undefined
      }
      link={<Link to="/requests">Open the inbox</Link>}
    />
  );
}

function runTone(run: ReconcileRun | null | undefined, report: ReconcileStatusReport | undefined) {
  if (!report) return undefined;
  if (run && (run.status === 'failed' || run.counts.failed > 0)) return 'red';
  if (report.error !== null || report.drift.length > 0 || report.gateways.some((g) => !g.ready))
    return 'amber';
  return run ? 'green' : undefined;
}

/** Drift and gateway readiness as the status report has them, "unknown" where it could not observe. */
function liveLines(report: ReconcileStatusReport) {
  const drift =
    report.error !== null ? (
      <span title={`the live state could not be read: ${report.error}`}>drift: unknown</span>
    ) : report.target === 'none' ? (
      <span title="the none target renders nothing to compare">drift: not observed</span>
    ) : (
      <Link to="/reconcile" hash="drift-title">
        drift: {report.drift.length} {report.drift.length === 1 ? 'object' : 'objects'}
      </Link>
    );
  const unknown = readinessUnknownReason(report);
  const notReady = report.gateways.filter((g) => !g.ready).length;
  const gateways = unknown ? (
    <span title={unknown}>gateways not ready: unknown</span>
  ) : (
    <span>gateways not ready: {notReady}</span>
  );
  return (
    <>
      {drift}
      <br />
      {gateways}
    </>
  );
}

function ReconcileCard() {
  const status = useQuery(reconcileStatusQuery());
  if (status.isError && isNotFound(status.error))
    return (
      <StatCard
        title="Reconcile"
        value={<span className="muted">n/a</span>}
        detail="Not available on this server yet."
      />
    );
  const report = status.data;
  const last = report?.lastRun;
  const changed = last ? last.counts.created + last.counts.updated + last.counts.deleted : 0;
  return (
    <StatCard
      title="Reconcile"
      tone={runTone(last, report)}
      value={
        report ? (last?.status ?? 'no runs') : status.isError ? <span className="muted">n/a</span> : loading
      }
      detail={
        report ? (
          <>
            {last ? `${last.counts.failed} failed · ${changed} changed · ` : ''}
            {report.target}
            <br />
            {liveLines(report)}
          </>
        ) : undefined
      }
      link={<Link to="/reconcile">Runs and manifests</Link>}
    />
  );
}

/**
 * How much of the cluster the default-deny policy covers. Amber while a namespace is open by omission
 * (not listed); namespaces left open on purpose (excluded, gateways, egress control) do not count.
 */
function CoverageCard() {
  const query = useQuery(coverageQuery());
  const c = query.data;
  const value = c ? (
    `${c.enforced} of ${c.total}`
  ) : query.isError ? (
    <span className="muted">n/a</span>
  ) : (
    loading
  );
  return (
    <StatCard
      title="Namespaces enforced"
      tone={c ? (c.namespaces.some((n) => n.reason === 'notListed') ? 'amber' : 'green') : undefined}
      value={value}
      detail={
        c
          ? `${coverageSummary(c)}${c.source === 'settings' ? ' (as the settings name them)' : ''}`
          : undefined
      }
      link={<Link to="/coverage">See which and why</Link>}
    />
  );
}

function CountCards() {
  const query = useQuery(summaryQuery());
  const summary = query.data;
  // A failed load is toasted by the query client; the cards then stop pretending to load.
  const empty = query.isError ? <span className="muted">n/a</span> : loading;
  return (
    <div className="cards">
      <PendingCard summary={summary} empty={empty} />
      <StatCard
        title="Active grants"
        tone="green"
        value={summary ? summary.activeGrants : empty}
        link={<Link to="/grants">Browse grants</Link>}
      />
      <StatCard
        title="Destinations"
        value={summary ? summary.destinations : empty}
        detail={summary ? `${summary.sensitiveDestinations} sensitive` : undefined}
        link={<Link to="/destinations">Browse destinations</Link>}
      />
      <ReconcileCard />
      <CoverageCard />
      <VisibilityCards summary={summary} empty={empty} />
    </div>
  );
}

/** Engineers see their own latest requests first. */
function MyRequests({ me }: { me: Me }) {
  const mine = useQuery(grantListQuery({ requestedBy: me.email, limit: 5 }));
  return (
    <section aria-labelledby="my-requests" className="card">
      <h2 id="my-requests">My requests</h2>
      <GrantsTable
        caption="My latest requests"
        grants={mine.data?.items}
        columns={['age', 'service', 'target', 'state', 'approvals', 'actions']}
        empty={{
          title: 'You have no requests yet.',
          body: 'Request access when a service needs to reach something outside the cluster.',
        }}
      />
      <Link to="/requests" search={{ view: 'mine' }} className="small">
        All my requests
      </Link>
    </section>
  );
}

function ActivityCard() {
  const activity = useQuery(activityQuery(30));
  let body: React.ReactNode = <BlockSkeleton lines={4} label="Loading the chart" />;
  if (activity.data) body = <ActivityChart days={activity.data.days} />;
  else if (activity.isError) body = <p className="muted">Could not load the activity.</p>;
  return (
    <section className="card" aria-labelledby="chart-title">
      <h2 id="chart-title">Requests and decisions, last 30 days</h2>
      {body}
    </section>
  );
}

export function DashboardPage() {
  const me = useMe();
  const audit = can(me.role, 'audit.read');
  const engineerOnly = can(me.role, 'grants.request') && !can(me.role, 'grants.decide');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p className="muted">
            Signed in as {me.name} ({me.role}).
          </p>
        </div>
        {can(me.role, 'grants.request') ? (
          <Link to="/requests/new" className="btn btn-primary">
            Request access
          </Link>
        ) : null}
      </header>
      {engineerOnly ? <MyRequests me={me} /> : null}
      <HealthStrip />
      <CountCards />
      <OpenAlerts />
      <div className={audit ? 'two-col' : undefined}>
        <ActivityCard />
        {audit ? (
          <div className="card">
            <RecentAudit title="Recent activity" limit={20} withoutSignIns />
          </div>
        ) : null}
      </div>
    </div>
  );
}
