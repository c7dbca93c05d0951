import { can } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';

import { RecordFallback } from '../../../components/ui/record-fallback.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { RecentAudit } from '../../audit/components/recent-audit.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { ReachPanel } from '../../explain/components/reach-panel.tsx';
import { GatewayReadinessText } from '../../reconcile/components/gateway-readiness.tsx';
import { destinationDetailQuery } from '../api/destinations.queries.ts';
import { DestinationAccess } from './destination-access.tsx';
import { DestinationManifests } from './destination-manifests.tsx';
import { DestinationMode } from './destination-mode.tsx';
import { SensitivityBadge } from './sensitivity.tsx';

const route = getRouteApi('/_app/destinations/$destinationId');

export function DestinationDetailPage() {
  const { destinationId } = route.useParams();
  const me = useMe();
  const query = useQuery(destinationDetailQuery(destinationId));
  if (query.isPending || query.isError) {
    return (
      <RecordFallback
        error={query.error}
        what="the destination"
        loading={{ lines: 6, label: 'Loading the destination' }}
        notFound={{
          title: 'No such destination.',
          body: 'It may have been deleted.',
          back: <Link to="/destinations">Back to destinations</Link>,
        }}
      />
    );
  }
  const d = query.data;
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/destinations">Destinations</Link> / <span>{d.host}</span>
      </nav>
      <header className="page-header">
        <div>
          <h1>{d.host}</h1>
          <p>
            <SensitivityBadge sensitivity={d.sensitivity} />{' '}
            <span className="muted small">
              added <RelativeTime iso={d.createdAt} />
            </span>
          </p>
        </div>
        {can(me.role, 'grants.request') && d.hostProblem === null ? (
          <Link to="/requests/new" search={{ destination: d.host }} className="btn">
            Request access to this destination
          </Link>
        ) : null}
      </header>
      {d.hostProblem !== null ? (
        <p className="callout" role="alert">
          Registered before destinations had to be public names: {d.hostProblem}. It keeps working as it is,
          takes no new grants and no new ports; delete it once nothing needs it.
        </p>
      ) : null}
      <div className="two-col">
        <section aria-labelledby="dest-facts">
          <h2 id="dest-facts">Settings</h2>
          <dl className="facts">
            <dt>Ports</dt>
            <dd>{d.ports.map((p) => `${p.port}/${p.protocol}`).join(', ')}</dd>
            <dt>Sensitivity</dt>
            <dd>
              {d.sensitivity === 'sensitive'
                ? 'sensitive: every grant needs two approvals'
                : 'standard: one approval'}
            </dd>
            <dt>Gateway</dt>
            <dd>
              <code>{d.gatewayName}</code>
            </dd>
            <dt>Replicas</dt>
            <dd>
              {d.gateway.minReplicas}–{d.gateway.maxReplicas}, scaling at{' '}
              {d.gateway.targetCPUUtilizationPercentage}% CPU
            </dd>
            <dt>Gateway readiness</dt>
            <dd>
              <GatewayReadinessText gatewayName={d.gatewayName} host={d.host} long />
            </dd>
            {d.description ? (
              <>
                <dt>Description</dt>
                <dd className="prewrap">{d.description}</dd>
              </>
            ) : null}
          </dl>
        </section>
        {can(me.role, 'audit.read') ? (
          <RecentAudit targetType="destination" targetId={d.id} title="Recent changes" />
        ) : null}
      </div>
      <DestinationMode destination={d} />
      <DestinationAccess destination={d} />
      <ReachPanel host={d.host} ports={[...new Set(d.ports.map((p) => p.port))]} />
      <DestinationManifests gatewayName={d.gatewayName} />
    </div>
  );
}
