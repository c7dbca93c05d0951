// Issue 18 on the grant page: expiry counted from activation (a pending request states its duration),
// what a renewal continues, and the destination a request proposes (registered on the final approval).
import type { Grant } from '@egress/shared';
import { Link } from '@tanstack/react-router';

import { LockIcon } from '../../../components/ui/badge.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { duration } from '../../../lib/format.ts';

export function GrantLifetime({ grant: g }: { grant: Grant }) {
  if (g.state === 'pending' && g.durationSeconds)
    return <>{duration(g.durationSeconds * 1000)} from the final approval (not from the request)</>;
  return (
    <>
      <RelativeTime iso={g.expiresAt} fallback="never" />
      {g.activatedAt ? (
        <span className="muted small block">
          active since <RelativeTime iso={g.activatedAt} />
          {g.durationSeconds ? `, for ${duration(g.durationSeconds * 1000)}` : ''}
        </span>
      ) : null}
      {g.renewsGrantId ? (
        <span className="small block">
          Renews{' '}
          <Link to="/grants/$grantId" params={{ grantId: g.renewsGrantId }}>
            the earlier grant
          </Link>
          : approved, it takes over where that one ends.
        </span>
      ) : null}
      {g.pendingRenewalId ? (
        <span className="small block">
          <Link to="/grants/$grantId" params={{ grantId: g.pendingRenewalId }}>
            A renewal
          </Link>{' '}
          is waiting for approval.
        </span>
      ) : null}
    </>
  );
}

export function ProposalFacts({ grant: g }: { grant: Grant }) {
  const p = g.proposedDestination;
  if (!p) return null;
  const registered = g.destinationId !== null;
  return (
    <div className="callout" role="note">
      <strong>
        {registered ? `Registered ${p.host} with this request` : `Approving registers ${p.host}`}
      </strong>{' '}
      (proposed by the requester): ports {p.ports.map((x) => `${x.port}/${x.protocol}`).join(', ')},{' '}
      {p.sensitivity === 'sensitive' ? (
        <>
          <LockIcon /> sensitive
        </>
      ) : (
        'standard'
      )}
      . “{p.description}”{registered ? null : ' Rejecting discards the proposal.'}
    </div>
  );
}
