import type { Destination } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';

import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { TableSkeleton } from '../../../components/ui/skeleton.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { grantSetQuery } from '../../grants/api/grants.queries.ts';

/** Who can reach this destination: its active grants, plus port-wide grants on one of its ports. */
export function DestinationAccess({ destination }: { destination: Destination }) {
  const direct = useQuery(grantSetQuery({ destination: destination.host, state: 'active' }));
  const portWide = useQuery(grantSetQuery({ destination: '*', state: 'active' }));
  const ports = new Set(destination.ports.map((p) => p.port));
  const wide = (portWide.data?.items ?? []).filter((g) => ports.has(g.port));
  const rows = [...(direct.data?.items ?? []), ...wide];
  return (
    <section aria-labelledby="dest-access">
      <h2 id="dest-access">Who can reach it</h2>
      <div className="table-wrap">
        <table className="table">
          <caption className="sr-only">Services with access to {destination.host}</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Port</th>
              <th scope="col">Through</th>
              <th scope="col">Since</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          {direct.isPending ? (
            <TableSkeleton columns={5} rows={3} />
          ) : (
            <tbody>
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={5}>
                    <EmptyState title="No service can reach this destination.">
                      Services get access through an approved request.
                    </EmptyState>
                  </td>
                </tr>
              ) : (
                rows.map((g) => (
                  <tr key={g.id}>
                    <td>
                      <Link to="/services/$serviceId" params={{ serviceId: g.serviceId }}>
                        {g.service}
                      </Link>
                    </td>
                    <td>{g.port}</td>
                    <td>
                      <Link to="/grants/$grantId" params={{ grantId: g.id }}>
                        {g.destination === null ? 'port-wide grant' : 'grant'}
                      </Link>
                    </td>
                    <td>
                      <RelativeTime iso={g.approvals[g.approvals.length - 1]?.at ?? g.requestedAt} />
                    </td>
                    <td>
                      <RelativeTime iso={g.expiresAt} fallback="never" />
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          )}
        </table>
      </div>
    </section>
  );
}
