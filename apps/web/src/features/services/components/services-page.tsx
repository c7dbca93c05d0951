import { can } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';

import { LabelChips } from '../../../components/ui/chips.tsx';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { DebouncedSearch } from '../../../components/ui/debounced-search.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { FilterBar } from '../../../components/ui/filter-bar.tsx';
import { PagedList } from '../../../components/ui/paged-list.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { listNavigation } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { serviceListQuery } from '../api/services.queries.ts';
import { CreateServiceForm } from '../forms/create-service-form.tsx';
import { ServiceAccountValue } from './service-identity.tsx';

const route = getRouteApi('/_app/services');

export function ServicesPage() {
  const me = useMe();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const [creating, setCreating] = useState(false);
  const query = useQuery(
    serviceListQuery({ q: search.q, namespace: search.namespace, cursor: search.cursor }),
  );
  const filtered = Boolean(search.q ?? search.namespace);
  const { filter, page } = listNavigation<typeof search>(navigate);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Services</h1>
          <p className="muted">Workloads that can hold grants, identified by namespace and pod selector.</p>
        </div>
        {can(me.role, 'services.write') ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Register service
          </button>
        ) : null}
      </header>
      <FilterBar label="Filter services">
        <DebouncedSearch label="Name contains" value={search.q} onChange={(q) => filter({ q })} />
        <DebouncedSearch
          label="Namespace"
          value={search.namespace}
          onChange={(namespace) => filter({ namespace })}
        />
      </FilterBar>
      <PagedList query={query} what="services" search={search} onPage={page}>
        {(items) => (
          <DataTable
            caption="Services"
            head={
              <>
                <th scope="col">Name</th>
                <th scope="col">Namespace</th>
                <th scope="col">Selector</th>
                <th scope="col">ServiceAccount</th>
                <th scope="col">Team</th>
                <th scope="col" className="num">
                  Active grants
                </th>
              </>
            }
            columns={6}
            items={items}
            empty={
              filtered
                ? { title: 'No service matches.', body: 'Try another name or namespace.' }
                : {
                    title: 'No services registered yet.',
                    body: 'Register a service (name, namespace, pod labels) so it can request egress.',
                  }
            }
            row={(s) => (
              <tr key={s.id}>
                <td>
                  <Link to="/services/$serviceId" params={{ serviceId: s.id }}>
                    {s.name}
                  </Link>
                </td>
                <td>{s.namespace}</td>
                <td>
                  <LabelChips labels={s.selector.matchLabels} />
                </td>
                <td>
                  <ServiceAccountValue service={s} />
                </td>
                <td>{s.team ?? <span className="muted">—</span>}</td>
                <td className="num">{s.activeGrants}</td>
              </tr>
            )}
          />
        )}
      </PagedList>
      <Dialog open={creating} onClose={() => setCreating(false)} title="Register a service">
        <CreateServiceForm
          onCancel={() => setCreating(false)}
          onDone={(s) => {
            setCreating(false);
            showToast({ kind: 'success', title: `Service ${s.name} registered` });
            void navigate({ to: '/services/$serviceId', params: { serviceId: s.id } });
          }}
        />
      </Dialog>
    </div>
  );
}
