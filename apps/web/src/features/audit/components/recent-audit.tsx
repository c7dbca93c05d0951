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
}: {
  title: string;
  targetType?: AuditTargetType;
  targetId?: string;
  limit?: number;
}) {
  const query = useQuery(auditListQuery({ targetType, targetId, limit }));
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {query.isPending ? (
        <BlockSkeleton lines={4} />
      ) : query.isError ? (
        <p className="muted">Could not load the audit log.</p>
      ) : query.data.items.length === 0 ? (
        <p className="muted">Nothing recorded yet.</p>
      ) : (
        <ul className="activity">
          {query.data.items.map((e) => (
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
