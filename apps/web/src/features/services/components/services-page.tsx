import { can } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';

import { LabelChips } from '../../../components/ui/chips.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { EmptyRow } from '../../../components/ui/empty-state.tsx';
import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { Pager } from '../../../components/ui/pager.tsx';
import { TableSkeleton } from '../../../components/ui/skeleton.tsx';
import { DebouncedSearch } from '../../../components/ui/debounced-search.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { serviceListQuery } from '../api/services.queries.ts';
import { CreateServiceForm } from '../forms/create-service-form.tsx';

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
  const filter = (patch: { q?: string | undefined; namespace?: string | undefined }) =>
    void navigate({ search: (s) => ({ ...s, ...patch, cursor: undefined, prev: undefined }) });

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
      <form
        className="filters"
        role="search"
        aria-label="Filter services"
        onSubmit={(e) => e.preventDefault()}
      >
        <DebouncedSearch label="Name contains" value={search.q} onChange={(q) => filter({ q })} />
        <DebouncedSearch
          label="Namespace"
          value={search.namespace}
          onChange={(namespace) => filter({ namespace })}
        />
      </form>
      {query.isError ? (
        <ErrorPanel error={query.error} what="services" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">Services</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Namespace</th>
                <th scope="col">Selector</th>
                <th scope="col">Team</th>
                <th scope="col" className="num">
                  Active grants
                </th>
              </tr>
            </thead>
            {!query.data ? (
              <TableSkeleton columns={5} />
            ) : query.data.items.length === 0 ? (
              <EmptyRow columns={5} title={filtered ? 'No service matches.' : 'No services registered yet.'}>
                {filtered
                  ? 'Try another name or namespace.'
                  : 'Register a service (name, namespace, pod labels) so it can request egress.'}
              </EmptyRow>
            ) : (
              <tbody>
                {query.data.items.map((s) => (
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
                    <td>{s.team ?? <span className="muted">—</span>}</td>
                    <td className="num">{s.activeGrants}</td>
                  </tr>
                ))}
              </tbody>
            )}
          </table>
        </div>
      )}
      <Pager
        search={search}
        nextCursor={query.data?.nextCursor}
        shown={query.data?.items.length ?? 0}
        onChange={(p) => void navigate({ search: (s) => ({ ...s, ...p }) })}
      />
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
