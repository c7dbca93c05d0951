import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';

import { PagedList } from '../../../components/ui/paged-list.tsx';
import { listNavigation } from '../../../lib/pagination.ts';
import { grantListQuery } from '../api/grants.queries.ts';
import { GrantFilters, type GrantFilterValues } from './grant-filters.tsx';
import { GrantsTable } from './grants-table.tsx';

const route = getRouteApi('/_app/grants');

const EMPTY_FILTERED = { title: 'No grant matches these filters.', body: 'Widen the filters or reset them.' };
const EMPTY = {
  title: 'No active grants yet.',
  body: 'Grants become active when a request collects its approvals. Start with "Request access" on the Requests page.',
};

function isFiltered(search: Partial<GrantFilterValues>): boolean {
  return (
    Boolean(search.service ?? search.destination ?? search.portWide ?? search.unused) ||
    (search.state ?? 'active') !== 'active'
  );
}

export function GrantsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const state = search.state ?? 'active';
  const query = useQuery(
    grantListQuery({
      state: state === 'all' ? undefined : state,
      service: search.service,
      destination: search.portWide === 'true' ? '*' : search.destination,
      unusedForDays: search.unused,
      cursor: search.cursor,
    }),
  );
  const filtered = isFiltered(search);
  const { filter: onChange, page } = listNavigation<typeof search>(navigate);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Grants</h1>
          <p className="muted">Who may reach what. Active grants are enforced; the rest are history.</p>
        </div>
      </header>
      <GrantFilters value={{ ...search, state }} onChange={onChange} filtered={filtered} />
      <PagedList query={query} what="grants" search={search} onPage={page}>
        {(grants) => (
          <GrantsTable
            caption="Grants"
            grants={grants}
            columns={['requested', 'service', 'target', 'state', 'approvals', 'expires', 'usage', 'actions']}
            empty={filtered ? EMPTY_FILTERED : EMPTY}
          />
        )}
      </PagedList>
    </div>
  );
}
