// The history of one grant. Approvers read it from the audit log (every event, with its actor and request
// id); everyone else gets the same story reconstructed from the grant itself.
import { type AuditEvent, can, type Grant, type Me } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';

import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { auditListQuery } from '../../audit/api/audit.queries.ts';

interface Step {
  key: string;
  at: string;
  label: string;
  actor: string;
  note?: string | null | undefined;
  requestId?: string | null | undefined;
}

const LABELS: Record<string, string> = {
  'grant.requested': 'Requested',
  'grant.approved': 'Approved',
  'grant.activated': 'Active',
  'grant.rejected': 'Rejected',
  'grant.cancelled': 'Cancelled',
  'grant.revoked': 'Revoked',
  'grant.expired': 'Expired',
};

function noteOf(event: AuditEvent): string | null {
  const after = event.after as Partial<Grant> | null;
  if (event.action === 'grant.approved')
    return after?.approvals?.find((a) => a.approver === event.actor)?.comment ?? null;
  if (event.action === 'grant.requested') return after?.justification ?? null;
  return after?.reason ?? null;
}

export function stepsFromAudit(events: AuditEvent[]): Step[] {
  return [...events]
    .sort((a, b) => a.seq - b.seq)
    .map((e) => ({
      key: String(e.seq),
      at: e.at,
      label: LABELS[e.action] ?? e.action,
      actor: e.actor,
      note: noteOf(e),
      requestId: e.requestId,
    }));
}

export function stepsFromGrant(g: Grant): Step[] {
  const steps: Step[] = [
    { key: 'req', at: g.requestedAt, label: 'Requested', actor: g.requestedBy, note: g.justification },
  ];
  g.approvals.forEach((a, i) =>
    steps.push({ key: `ap${i}`, at: a.at, label: 'Approved', actor: a.approver, note: a.comment }),
  );
  const last = g.approvals[g.approvals.length - 1];
  if (g.state !== 'pending' && last && g.approvals.length >= g.requiredApprovals)
    steps.push({ key: 'act', at: last.at, label: 'Active', actor: 'system' });
  if (g.decidedAt && g.state !== 'active')
    steps.push({
      key: 'dec',
      at: g.decidedAt,
      label: LABELS[`grant.${g.state}`] ?? g.state,
      actor: g.decidedBy ?? 'system',
      note: g.reason,
    });
  return steps;
}

export function GrantTimeline({ grant, me }: { grant: Grant; me: Me }) {
  const fromAudit = can(me.role, 'audit.read');
  const query = useQuery({
    ...auditListQuery({ targetType: 'grant', targetId: grant.id, limit: 200 }),
    enabled: fromAudit,
  });
  if (fromAudit && query.isPending) return <BlockSkeleton label="Loading the timeline" />;
  const steps = fromAudit && query.data ? stepsFromAudit(query.data.items) : stepsFromGrant(grant);
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <p className="muted small">
        {fromAudit && query.data ? 'From the audit log.' : 'From the grant record.'}
      </p>
      <ol className="timeline">
        {steps.map((s) => (
          <li key={s.key} className={`timeline-step step-${s.label.toLowerCase()}`}>
            <span className="timeline-label">{s.label}</span> by <strong>{s.actor}</strong>{' '}
            <RelativeTime iso={s.at} />
            {s.note ? <p className="timeline-note">{s.note}</p> : null}
            {s.requestId ? <span className="muted small block">request {s.requestId}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
