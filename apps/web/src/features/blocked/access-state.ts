// What a blocked-egress row says about access to its destination and port (issue 18), from the
// `access` and `destinationPorts` the inbox response carries: one meaning per state, and the one
// action that fits it.
import type { BlockedEgressGroup } from '@egress/shared';

export { portNotRegistered } from '../../lib/ports.ts';

export type RowAction = 'request' | 'request-again' | 'view-request' | 'explain' | 'none';

export interface AccessView {
  /** Short badge text, e.g. "pending 1 of 2". Null: nothing was asked yet. */
  label: string | null;
  tone: 'amber' | 'green' | 'grey';
  /** One sentence under the badge (the rejection reason, why an active grant may still be denied). */
  detail: string | null;
  action: RowAction;
}

export function accessView(g: BlockedEgressGroup): AccessView {
  const a = g.access;
  if (g.service === null) return { label: null, tone: 'grey', detail: null, action: 'request' };
  if (!a) return { label: null, tone: 'grey', detail: null, action: 'request' };
  switch (a.state) {
    case 'pending':
      return {
        label: `pending ${a.approvals} of ${a.requiredApprovals}`,
        tone: 'amber',
        detail: a.proposed ? 'Registers the destination when approved.' : null,
        action: 'view-request',
      };
    case 'active':
      return {
        label: 'grant active',
        tone: 'green',
        detail: 'Traffic was still denied after it: see why.',
        action: 'explain',
      };
    case 'rejected':
      return { label: 'rejected', tone: 'grey', detail: a.reason, action: 'request-again' };
    default:
      return { label: `last grant ${a.state}`, tone: 'grey', detail: a.reason, action: 'request-again' };
  }
}
