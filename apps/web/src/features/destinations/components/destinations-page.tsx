import { can, type Sensitivity } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';

import { Badge } from '../../../components/ui/badge.tsx';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { DebouncedSearch } from '../../../components/ui/debounced-search.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { FilterBar, FilterSelect } from '../../../components/ui/filter-bar.tsx';
import { HostName } from '../../../components/ui/host-name.tsx';
import { PagedList } from '../../../components/ui/paged-list.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { listNavigation } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { GatewayReadinessText } from '../../reconcile/components/gateway-readiness.tsx';
import { destinationListQuery } from '../api/destinations.queries.ts';
import { CreateDestinationForm } from '../forms/create-destination-form.tsx';
import { SensitivityBadge } from './sensitivity.tsx';

const route = getRouteApi('/_app/destinations');
const SENSITIVITIES = ['standard', 'sensitive'] as const satisfies readonly Sensitivity[];

export function DestinationsPage() {
  const me = useMe();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const [creating, setCreating] = useState(false);
  const query = useQuery(
    destinationListQuery({ q: search.q, sensitivity: search.sensitivity, cursor: search.cursor }),
  );
  const filtered = Boolean(search.q ?? search.sensitivity);
  const { filter, page } = listNavigation<typeof search>(navigate);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Destinations</h1>
          <p className="muted">
            Public DNS names that services may reach, each through its own egress gateway.
          </p>
        </div>
        {can(me.role, 'destinations.write') ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Add destination
          </button>
        ) : null}
      </header>
      <FilterBar label="Filter destinations">
        <DebouncedSearch label="Host contains" value={search.q} onChange={(q) => filter({ q })} />
        <FilterSelect
          label="Sensitivity"
          value={search.sensitivity}
          onChange={(sensitivity) => filter({ sensitivity })}
          any="Any"
          options={SENSITIVITIES}
        />
      </FilterBar>
      <PagedList query={query} what="destinations" search={search} onPage={page}>
        {(items) => (
          <DataTable
            caption="Destinations"
            head={
              <>
                <th scope="col">Host</th>
                <th scope="col">Ports</th>
                <th scope="col">Sensitivity</th>
                <th scope="col">Gateway</th>
                <th scope="col" className="num">
                  Active grants
                </th>
              </>
            }
            columns={5}
            items={items}
            empty={
              filtered
                ? { title: 'No destination matches.', body: 'Try another part of the host name.' }
                : {
                    title: 'No destinations yet.',
                    body: 'An approver adds destinations (host, ports, sensitivity); services then request access to them.',
                  }
            }
            row={(d) => (
              <tr key={d.id}>
                <td>
                  <Link to="/destinations/$destinationId" params={{ destinationId: d.id }}>
                    <HostName host={d.host} />
                  </Link>
                </td>
                <td>
                  {d.ports
                    .map((p) => (p.protocol === 'TCP' ? String(p.port) : `${p.port}/${p.protocol}`))
                    .join(', ')}
                </td>
                <td>
                  <SensitivityBadge sensitivity={d.sensitivity} />
                  {/* Observe mode admits every pod: worth seeing at a glance in the list. */}
                  {d.mode === 'observe' ? (
                    <>
                      {' '}
                      <Badge tone="amber">observe</Badge>
                    </>
                  ) : null}
                </td>
                <td>
                  <code className="small">{d.gatewayName}</code>
                  <span className="muted small block" title="Configured replicas (min–max)">
                    {d.gateway.minReplicas}–{d.gateway.maxReplicas} replicas
                  </span>
                  <span className="small block">
                    <GatewayReadinessText gatewayName={d.gatewayName} host={d.host} />
                  </span>
                </td>
                <td className="num">{d.activeGrants}</td>
              </tr>
            )}
          />
        )}
      </PagedList>
      <Dialog open={creating} onClose={() => setCreating(false)} title="Add a destination" wide>
        <CreateDestinationForm
          onCancel={() => setCreating(false)}
          onDone={(d) => {
            setCreating(false);
            showToast({
              kind: 'success',
              title: `Destination ${d.host} added`,
              message: `Gateway ${d.gatewayName}`,
            });
            void navigate({ to: '/destinations/$destinationId', params: { destinationId: d.id } });
          }}
        />
      </Dialog>
    </div>
  );
}
