import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';

import { RecordFallback } from '../../../components/ui/record-fallback.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { grantDetailQuery } from '../api/grants.queries.ts';
import { GrantActions } from './grant-actions.tsx';
import { ApprovalsSummary, GrantStateBadge, GrantTarget, ServiceLink } from './grant-bits.tsx';
import { GrantLifetime, ProposalFacts } from './grant-lifetime.tsx';
import { GrantTimeline } from './grant-timeline.tsx';

const route = getRouteApi('/_app/grants/$grantId');

export function GrantDetailPage() {
  const { grantId } = route.useParams();
  const me = useMe();
  const query = useQuery(grantDetailQuery(grantId));

  if (query.isPending || query.isError) {
    return (
      <RecordFallback
        error={query.error}
        what="the grant"
        loading={{ lines: 6, label: 'Loading the grant' }}
        notFound={{
          title: 'No such grant.',
          body: 'It may have been mistyped; grant ids are UUIDs.',
          back: <Link to="/grants">Back to grants</Link>,
        }}
      />
    );
  }
  const g = query.data;
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/grants">Grants</Link> / <span>{g.id.slice(0, 8)}</span>
      </nav>
      <header className="page-header">
        <div>
          <h1>
            {g.service} → {g.destination ?? 'any host'}:{g.port}
          </h1>
          <p>
            <GrantStateBadge grant={g} /> <span className="muted small">{g.id}</span>
          </p>
        </div>
        <GrantActions grant={g} me={me} />
      </header>
      <div className="two-col">
        <section aria-labelledby="grant-facts">
          <h2 id="grant-facts">Details</h2>
          <dl className="facts">
            <dt>Service</dt>
            <dd>
              <ServiceLink grant={g} /> <span className="muted">in {g.serviceNamespace}</span>
            </dd>
            <dt>Destination</dt>
            <dd>
              <GrantTarget grant={g} />
            </dd>
            <dt>Requested</dt>
            <dd>
              by {g.requestedBy}, <RelativeTime iso={g.requestedAt} />
            </dd>
            <dt>Justification</dt>
            <dd className="prewrap">{g.justification}</dd>
            <dt>Approvals</dt>
            <dd>
              <ApprovalsSummary grant={g} />
            </dd>
            <dt>Expires</dt>
            <dd>
              <GrantLifetime grant={g} />
            </dd>
            {g.decidedAt ? (
              <>
                <dt>Decided</dt>
                <dd>
                  {g.state} by {g.decidedBy ?? 'system'}, <RelativeTime iso={g.decidedAt} />
                  {g.reason ? <span className="block">Reason: {g.reason}</span> : null}
                </dd>
              </>
            ) : null}
          </dl>
          <ProposalFacts grant={g} />
        </section>
        <GrantTimeline grant={g} me={me} />
      </div>
    </div>
  );
}
