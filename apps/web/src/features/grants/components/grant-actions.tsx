// The actions a person may take on one grant, decided by role and by who they are: approvers decide,
// requesters cancel their own pending requests, and nobody approves their own request (four eyes).
import { can, type Grant, type Me } from '@egress/shared';
import { Link } from '@tanstack/react-router';

import type { Decision } from '../api/grants.mutations.ts';
import type { InboxFilter } from '../api/grants.queries.ts';
import { describeGrant } from './decision-dialog.tsx';
import { useOpenDecision } from './decision-host.tsx';

function available(grant: Grant, me: Me): Decision[] | 'waiting' | 'approved' {
  const mine = grant.requestedBy === me.email;
  const decider = can(me.role, 'grants.decide');
  if (grant.state === 'active') return decider ? ['revoke'] : [];
  if (grant.state !== 'pending') return [];
  if (mine) return decider ? 'waiting' : can(me.role, 'grants.cancel') ? ['cancel'] : [];
  if (!decider) return [];
  if (grant.approvals.some((a) => a.approver === me.email)) return 'approved';
  return ['approve', 'reject'];
}

const LABEL: Record<Decision, string> = {
  approve: 'Approve',
  reject: 'Reject',
  revoke: 'Revoke',
  cancel: 'Cancel',
};

/** Port-wide and sensitive requests are decided on their review page, with a comment, never from a list. */
export function needsReview(grant: Grant): boolean {
  return grant.destination === null || grant.destinationSensitivity === 'sensitive';
}

interface ActionProps {
  grant: Grant;
  me: Me;
  /** In a list: port-wide and sensitive requests offer "Review" instead of a one-click Approve. */
  inList?: boolean;
  reviewSearch?: ({ from: 'inbox' } & InboxFilter) | undefined;
}

export function GrantActions({ grant, me, inList = false, reviewSearch }: ActionProps) {
  const open = useOpenDecision();
  const actions = available(grant, me);
  if (actions === 'waiting') {
    return (
      <span className="row-actions row-actions-wrap">
        <span className="muted small">Your request: waiting for others</span>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => open(grant, 'cancel')}
          aria-label={`Cancel ${describeGrant(grant)}`}
        >
          Cancel
        </button>
      </span>
    );
  }
  if (actions === 'approved') return <span className="muted small">You approved; waiting for others</span>;
  if (actions.length === 0) return null;
  const review = inList && actions.includes('approve') && needsReview(grant);
  return (
    <span className="row-actions">
      {review ? (
        <Link
          to="/grants/$grantId"
          params={{ grantId: grant.id }}
          search={reviewSearch ?? {}}
          className="btn btn-small btn-primary"
          aria-label={`Review ${describeGrant(grant)}`}
          title="Port-wide and sensitive requests are approved from their review, with a comment"
        >
          Review
        </Link>
      ) : null}
      {actions
        .filter((d) => !(review && d === 'approve'))
        .map((d) => (
          <button
            key={d}
            type="button"
            className={d === 'approve' ? 'btn btn-small btn-primary' : 'btn btn-small'}
            aria-label={`${LABEL[d]} ${describeGrant(grant)}`}
            onClick={() => open(grant, d)}
          >
            {LABEL[d]}
          </button>
        ))}
    </span>
  );
}
