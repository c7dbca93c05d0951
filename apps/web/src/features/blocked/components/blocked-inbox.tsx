import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';

import { NotAvailable } from '../../../components/ui/empty-state.tsx';
import { PagedList } from '../../../components/ui/paged-list.tsx';
import { isNotFound } from '../../../lib/api-client.ts';
import { listNavigation } from '../../../lib/pagination.ts';
import { blockedListQuery } from '../api/blocked.queries.ts';
import { isFiltered, pickFilter } from '../blocked-filter.ts';
import { BlockedFilters } from './blocked-filters.tsx';
import { BlockedTable } from './blocked-table.tsx';

const route = getRouteApi('/_app/blocked');

/** Denied flows grouped by service and destination, most recently seen first, paged by the API. */
export function BlockedInbox() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter = pickFilter(search);
  const query = useQuery(blockedListQuery({ ...filter, cursor: search.cursor }));
  const { filter: change, page } = listNavigation<typeof search>(navigate);

  if (isNotFound(query.error)) {
    return (
      <NotAvailable title="Blocked connection reports are not served by this API yet.">
        Once the API offers GET /api/v1/blocked-egress, denied flows appear here grouped by service and
        destination.
      </NotAvailable>
    );
  }
  return (
    <>
      <BlockedFilters filter={filter} onChange={change} />
      <PagedList query={query} what="blocked egress" search={search} onPage={page}>
        {(groups) => (
          <BlockedTable
            groups={groups}
            empty={
              isFiltered(filter)
                ? {
                    title: 'No blocked flow matches these filters.',
                    body: 'Widen the time range or clear a filter.',
                  }
                : {
                    title: 'No blocked egress reported.',
                    body: 'Denied connections appear here once a flow collector sends them (POST /api/v1/flows with an ingest token, created under API tokens).',
                  }
            }
          />
        )}
      </PagedList>
    </>
  );
}
