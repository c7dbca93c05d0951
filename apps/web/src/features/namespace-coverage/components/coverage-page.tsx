import { can, type Coverage, type NamespaceCoverage } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';

import { Badge } from '../../../components/ui/badge.tsx';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { ImpactList } from '../../discovery/components/impact-list.tsx';
import { coverageQuery, coverageSummary } from '../api/coverage.queries.ts';

const MODE_TEXT: Record<Coverage['mode'], string> = {
  listed: 'Only the listed namespaces are enforced; every other namespace can reach the internet.',
  all: 'Every namespace is enforced, including ones created later, except the ones left open below.',
};

function Services({ services }: { services: NamespaceCoverage['services'] }) {
  if (services.length === 0) return <span className="muted">none</span>;
  return (
    <>
      {services.map((s, i) => (
        <span key={s.id}>
          {i > 0 ? ', ' : null}
          <Link to="/services/$serviceId" params={{ serviceId: s.id }}>
            {s.name}
          </Link>
        </span>
      ))}
    </>
  );
}

/** Before enforcing a namespace (in Settings): what recent traffic from it the default-deny would refuse. */
function EnforceImpactDialog({ namespace, onClose }: { namespace: string; onClose: () => void }) {
  return (
    <Dialog open wide onClose={onClose} title={`Enforcing ${namespace}`}>
      <div className="stack">
        <ImpactList
          params={{ kind: 'namespace-enforce', namespace }}
          title="Traffic enforcing would refuse"
        />
        <p className="small">
          Namespaces are enforced in <Link to="/settings">Settings</Link> (admins).
        </p>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </Dialog>
  );
}

export function CoveragePage() {
  const query = useQuery(coverageQuery());
  const me = useMe();
  const canImpact = can(me.role, 'impact.read');
  const [impactOf, setImpactOf] = useState<string | null>(null);
  const c = query.data;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Namespace coverage</h1>
          <p className="muted">
            Which namespaces get the default-deny-internet policy, and why. {c ? MODE_TEXT[c.mode] : null}
          </p>
        </div>
      </header>
      {c ? (
        <p className="stat-value" aria-label="Coverage summary">
          {coverageSummary(c)}
        </p>
      ) : null}
      {c?.note ? (
        <p className="callout" role="note">
          {c.note}
        </p>
      ) : null}
      {query.isError ? <p className="muted">Could not load the coverage.</p> : null}
      <DataTable
        caption="Namespaces and their enforcement"
        head={
          <>
            <th scope="col">Namespace</th>
            <th scope="col">Enforced</th>
            <th scope="col">Why</th>
            <th scope="col">Services</th>
          </>
        }
        columns={4}
        items={query.isError ? [] : c?.namespaces}
        empty={{ title: 'No namespaces.' }}
        row={(n) => (
          <tr key={n.namespace}>
            <td>{n.namespace}</td>
            <td>
              {n.enforced ? <Badge tone="green">enforced</Badge> : <Badge tone="amber">open</Badge>}
              {!n.enforced && canImpact ? (
                <>
                  {' '}
                  <button type="button" className="btn btn-small" onClick={() => setImpactOf(n.namespace)}>
                    What would enforcing refuse?
                  </button>
                </>
              ) : null}
            </td>
            <td>{n.reasonText}</td>
            <td>
              <Services services={n.services} />
            </td>
          </tr>
        )}
      />
      {impactOf ? <EnforceImpactDialog namespace={impactOf} onClose={() => setImpactOf(null)} /> : null}
      <p className="small muted">
        The mode and the namespaces are set in <Link to="/settings">Settings</Link> (admins).
      </p>
    </div>
  );
}
