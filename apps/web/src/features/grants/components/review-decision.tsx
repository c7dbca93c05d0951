// The review's decision bar: Approve (the dialog says what approving does now), "Approve & next" (on to
// the next request in the inbox that waits on me, with the inbox's filters), Reject.
import { can, type Grant, type Me } from '@egress/shared';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';

import { showToast } from '../../../components/ui/toast.tsx';
import { type InboxFilter, nextInInbox } from '../api/grants.queries.ts';
import { approvalConsequence, DecisionDialog, describeGrant } from './decision-dialog.tsx';
import { useOpenDecision } from './decision-host.tsx';

/** Whether `me` may approve this grant now (pending, an approver, not the requester, not yet approved). */
export function mayApprove(grant: Grant, me: Me): boolean {
  return (
    grant.state === 'pending' &&
    can(me.role, 'grants.decide') &&
    grant.requestedBy !== me.email &&
    !grant.approvals.some((a) => a.approver === me.email)
  );
}

export function ReviewDecision({ grant, inbox }: { grant: Grant; inbox: InboxFilter }) {
  const navigate = useNavigate();
  const openDecision = useOpenDecision();
  const [dialog, setDialog] = useState<'approve' | 'next' | null>(null);

  async function goNext() {
    const next = await nextInInbox(grant.id, inbox).catch(() => null);
    if (next) {
      void navigate({
        to: '/grants/$grantId',
        params: { grantId: next },
        search: { from: 'inbox', ...inbox },
      });
      return;
    }
    showToast({ kind: 'success', title: 'Inbox clear', message: 'No more requests wait on you here.' });
    void navigate({ to: '/requests', search: { view: 'inbox', ...inbox } });
  }

  return (
    <div className="decision-bar" role="group" aria-label="Decision">
      <span className="consequence">{approvalConsequence(grant)}</span>
      <button type="button" className="btn btn-primary" onClick={() => setDialog('approve')}>
        Approve
      </button>
      <button type="button" className="btn btn-primary" onClick={() => setDialog('next')}>
        Approve &amp; next
      </button>
      <button
        type="button"
        className="btn"
        aria-label={`Reject ${describeGrant(grant)}`}
        onClick={() => openDecision(grant, 'reject')}
      >
        Reject
      </button>
      {dialog ? (
        <DecisionDialog
          grant={grant}
          decision="approve"
          open
          onClose={() => setDialog(null)}
          {...(dialog === 'next' ? { confirmLabel: 'Approve & next', onDone: () => void goNext() } : {})}
        />
      ) : null}
    </div>
  );
}
