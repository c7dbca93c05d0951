// Decisions on my requests (issue 18), newest first; the unseen ones marked until I mark them seen.
import type { DecisionNotification } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';

import { Badge } from '../../../components/ui/badge.tsx';
import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { notificationsQuery, useMarkSeen } from '../api/my-access.queries.ts';

function sentence(n: DecisionNotification): string {
  const target = `${n.service} → ${n.destination ?? 'any host'}:${n.port}`;
  switch (n.kind) {
    case 'approved':
      return n.state === 'active'
        ? `${n.actor} approved ${target} (${n.approvals} of ${n.requiredApprovals}): it is active`
        : `${n.actor} approved ${target} (${n.approvals} of ${n.requiredApprovals}): waiting for another approver`;
    case 'rejected':
      return `${n.actor} rejected ${target}`;
    case 'revoked':
      return `${n.actor} revoked ${target}`;
    case 'expired':
      return `${target} expired`;
    case 'cancelled':
      return `${n.actor} cancelled your request for ${target}`;
    case 'renewed':
      return `${target} was renewed: the renewal took over`;
  }
}

export function DecisionsList() {
  const query = useQuery(notificationsQuery());
  const markSeen = useMarkSeen();
  if (query.isError) return <ErrorPanel error={query.error} what="decisions on your requests" />;
  const data = query.data;
  return (
    <section aria-labelledby="decisions-heading" className="stack">
      <div className="section-header">
        <h2 id="decisions-heading">
          Decisions on your requests{' '}
          {data?.unseen ? <Badge tone="amber">{`${data.unseen} new`}</Badge> : null}
        </h2>
        {data?.unseen ? (
          <button
            type="button"
            className="btn btn-small"
            disabled={markSeen.isPending}
            // Up to the newest shown, so a decision arriving meanwhile stays new.
            onClick={() => markSeen.mutate(data.items[0]?.at)}
          >
            Mark all as seen
          </button>
        ) : null}
      </div>
      {!data ? (
        <p className="muted">Loading…</p>
      ) : data.items.length === 0 ? (
        <p className="muted">
          No decisions yet. When an approver decides on a request of yours, it shows here.
        </p>
      ) : (
        <ul className="decision-list" aria-label="Decisions">
          {data.items.map((n) => (
            <li key={n.id} className={n.seen ? 'decision' : 'decision decision-new'}>
              {n.seen ? null : <Badge tone="amber">new</Badge>}{' '}
              <Link to="/grants/$grantId" params={{ grantId: n.grantId }}>
                {sentence(n)}
              </Link>
              {n.note ? <span className="muted"> — “{n.note}”</span> : null}{' '}
              <span className="muted small">
                <RelativeTime iso={n.at} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
