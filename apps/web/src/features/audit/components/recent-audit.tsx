import type { AuditTargetType } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';

import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { auditListQuery } from '../api/audit.queries.ts';
import { TargetLink } from './target-link.tsx';

/** The last few audit events, optionally for one target. */
export function RecentAudit({
  title,
  targetType,
  targetId,
  limit = 10,
  withoutSignIns = false,
}: {
  title: string;
  targetType?: AuditTargetType;
  targetId?: string;
  limit?: number;
  /** Leaves out sign-ins, sign-outs and failed sign-ins (the dashboard: they drown the changes). */
  withoutSignIns?: boolean;
}) {
  // Sign-ins are left out after reading: a wider page keeps `limit` changes on screen in all but a
  // burst of more than 100 sign-ins.
  const query = useQuery(auditListQuery({ targetType, targetId, limit: withoutSignIns ? 100 : limit }));
  const items = query.data?.items
    .filter((e) => !withoutSignIns || !e.action.startsWith('auth.'))
    .slice(0, limit);
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {query.isPending ? (
        <BlockSkeleton lines={4} />
      ) : query.isError ? (
        <p className="muted">Could not load the audit log.</p>
      ) : !items || items.length === 0 ? (
        <p className="muted">Nothing recorded yet.</p>
      ) : (
        <ul className="activity">
          {items.map((e) => (
            <li key={e.seq}>
              <span className="activity-action">{e.action}</span> <TargetLink event={e} /> by {e.actor}{' '}
              <RelativeTime iso={e.at} />
            </li>
          ))}
        </ul>
      )}
      <Link to="/audit" search={targetId ? { targetType, targetId } : {}} className="small">
        Open in the audit log
      </Link>
    </section>
  );
}
