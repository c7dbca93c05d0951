// One grant. A pending request is a review (issue 18): who asked, what becomes reachable, the denied
// traffic, the history, and the decision, on one screen from one API call.
import type { Grant } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';

import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { RecordFallback } from '../../../components/ui/record-fallback.tsx';
import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { grantDetailQuery, grantReviewQuery, type InboxFilter } from '../api/grants.queries.ts';
import { GrantActions } from './grant-actions.tsx';
import { ApprovalsSummary, GrantStateBadge, PortWideMark } from './grant-bits.tsx';
import { GrantLifetime, ProposalFacts } from './grant-lifetime.tsx';
import { GrantTimeline } from './grant-timeline.tsx';
import { LastUsed, UsageFigures } from './grant-usage.tsx';
import { mayApprove, ReviewDecision } from './review-decision.tsx';
import { Evidence, History, Reachable, WhoAsked } from './review-sections.tsx';

const route = getRouteApi('/_app/grants/$grantId');

function WideBanner({ port, sensitive }: { port: number | null; sensitive: boolean }) {
  if (port !== null) {
    return (
      <div className="review-banner" role="note">
        <PortWideMark port={port} />
        <span>
          <strong>The widest access there is.</strong> Approving lets these pods reach every public address on
          port {port}, not one destination. It needs two approvals, each with a comment.
        </span>
      </div>
    );
  }
  if (!sensitive) return null;
  return (
    <div className="review-banner" role="note">
      <span>
        <strong>Sensitive destination.</strong> It needs two approvals, each with a comment.
      </span>
    </div>
  );
}

function DecisionSoFar({ grant: g }: { grant: Grant }) {
  return (
    <section aria-labelledby="grant-decided" className="card">
      <h2 id="grant-decided">Decision so far</h2>
      <dl className="facts">
        <dt>Approvals</dt>
        <dd>
          <ApprovalsSummary grant={g} />
          {g.approvals.map((a) => (
            <span key={a.approver} className="block small">
              {a.approver}, <RelativeTime iso={a.at} />
              {a.comment ? <>: “{a.comment}”</> : null}
            </span>
          ))}
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
        <dt>Expires</dt>
        <dd>
          <GrantLifetime grant={g} />
        </dd>
        {g.state === 'active' || g.lastUsedAt ? (
          <>
            <dt>Last used</dt>
            <dd>
              <LastUsed grant={g} />
            </dd>
            <dt>Usage</dt>
            <dd>
              <UsageFigures grant={g} />
            </dd>
          </>
        ) : null}
      </dl>
      <ProposalFacts grant={g} />
    </section>
  );
}

/** The review's four sections, from one call (GET /grants/{id}/review). */
function ReviewBody({ grantId }: { grantId: string }) {
  const review = useQuery(grantReviewQuery(grantId));
  if (review.isError) return <ErrorPanel error={review.error} what="the review" />;
  if (review.isPending) return <BlockSkeleton lines={8} label="Loading the review" />;
  return (
    <div className="review-grid">
      <WhoAsked review={review.data} />
      <Reachable review={review.data} />
      <Evidence review={review.data} />
      <History review={review.data} />
    </div>
  );
}

export function GrantDetailPage() {
  const { grantId } = route.useParams();
  const { from, ...inbox } = route.useSearch();
  const inboxFilter: InboxFilter = inbox;
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
  const fromInbox = from === 'inbox' || g.state === 'pending';
  const decide = mayApprove(g, me);
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        {fromInbox ? (
          <Link to="/requests" search={{ view: 'inbox', ...inboxFilter }}>
            Requests inbox
          </Link>
        ) : (
          <Link to="/grants">Grants</Link>
        )}{' '}
        / <span>{g.id.slice(0, 8)}</span>
      </nav>
      <header className="page-header">
        <div>
          <h1>
            {g.service} → {g.destination ?? 'any host'}:{g.port}
          </h1>
          <p>
            <GrantStateBadge grant={g} /> <ApprovalsSummary grant={g} />{' '}
            <span className="muted small">{g.id}</span>
          </p>
        </div>
        {decide ? null : <GrantActions grant={g} me={me} />}
      </header>
      {g.state === 'pending' ? (
        <WideBanner
          port={g.destination === null ? g.port : null}
          sensitive={g.destinationSensitivity === 'sensitive'}
        />
      ) : null}
      {decide ? <ReviewDecision grant={g} inbox={inboxFilter} /> : null}
      <ReviewBody grantId={g.id} />
      <div className="two-col">
        <DecisionSoFar grant={g} />
        <GrantTimeline grant={g} me={me} />
      </div>
    </div>
  );
}
