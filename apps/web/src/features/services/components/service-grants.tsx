import { GRANT_STATES, type GrantState } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';

import { Pager } from '../../../components/ui/pager.tsx';
import { grantListQuery } from '../../grants/api/grants.queries.ts';
import { GrantsTable } from '../../grants/components/grants-table.tsx';

const route = getRouteApi('/_app/services/$serviceId');

/** The grants of one service, every state by default, paged on the server; filters live in the URL. */
export function ServiceGrants({ service }: { service: string }) {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const state = search.state ?? 'all';
  const grants = useQuery(
    grantListQuery({ service, state: state === 'all' ? undefined : state, cursor: search.cursor }),
  );
  return (
    <section aria-labelledby="service-grants">
      <div className="section-header">
        <h2 id="service-grants">Grants</h2>
        <label className="inline-field">
          State
          <select
            value={state}
            onChange={(e) => void navigate({ search: { state: e.target.value as GrantState | 'all' } })}
          >
            <option value="all">All states</option>
            {GRANT_STATES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
      </div>
      <GrantsTable
        caption={`Grants of ${service}`}
        grants={grants.data?.items}
        columns={['requested', 'target', 'state', 'approvals', 'expires', 'actions']}
        empty={{
          title: 'This service holds no grants.',
          body: 'Request access for it to reach a destination.',
        }}
      />
      <Pager
        search={search}
        data={grants.data}
        onChange={(p) => void navigate({ search: (x) => ({ ...x, ...p }) })}
      />
    </section>
  );
}
