import { can } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';

import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { Pager } from '../../../components/ui/pager.tsx';
import { firstPage } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { summaryQuery } from '../../dashboard/api/dashboard.queries.ts';
import { grantListQuery, type InboxFilter, inboxQuery } from '../api/grants.queries.ts';
import { GrantsTable } from './grants-table.tsx';
import { InboxFilters } from './inbox-filters.tsx';

const route = getRouteApi('/_app/requests');

/** Pending requests, oldest first, paged by the API (50 a page, cursor in the URL). */
function Inbox({ canDecide }: { canDecide: boolean }) {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter: InboxFilter = {
    sensitivity: search.sensitivity,
    portWide: search.portWide,
    team: search.team,
    waiting: search.waiting,
  };
  const filtered = Object.values(filter).some(Boolean);
  const query = useQuery(grantListQuery({ ...inboxQuery(filter), cursor: search.cursor }));
  const summary = useQuery(summaryQuery());
  if (query.isError) return <ErrorPanel error={query.error} what="pending requests" />;
  return (
    <>
      <InboxFilters
        value={filter}
        canDecide={canDecide}
        onChange={(patch) => void navigate({ search: (s) => firstPage({ ...s, ...patch }) })}
      />
      <p className="muted small" aria-live="polite">
        {summary.data ? `${summary.data.pendingGrants} pending in all, oldest first.` : ''}
        {!canDecide ? ' You can read these; deciding needs the approver role.' : ''}
        {canDecide ? ' Port-wide and sensitive requests are approved from their review.' : ''}
      </p>
      <GrantsTable
        caption="Pending requests, oldest first"
        grants={query.data?.items}
        columns={['requested', 'service', 'target', 'justification', 'approvals', 'actions']}
        linkSearch={{ from: 'inbox', ...filter }}
        empty={
          filtered
            ? { title: 'No pending request matches these filters.', body: 'Widen or clear the filters.' }
            : {
                title: 'Nothing is waiting for a decision.',
                body: 'New requests appear here, oldest first.',
              }
        }
      />
      <Pager
        search={search}
        data={query.data}
        label="Inbox pages"
        onChange={(p) => void navigate({ search: (s) => ({ ...s, ...p }) })}
      />
    </>
  );
}

function MyRequests({ email }: { email: string }) {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const query = useQuery(grantListQuery({ requestedBy: email, state: search.state, cursor: search.cursor }));
  if (query.isError) return <ErrorPanel error={query.error} what="your requests" />;
  return (
    <>
      <div className="filters">
        <label>
          State
          <select
            value={search.state ?? ''}
            onChange={(e) =>
              void navigate({
                search: (s) => firstPage({ ...s, state: (e.target.value || undefined) as typeof s.state }),
              })
            }
          >
            <option value="">All states</option>
            <option value="pending">Pending</option>
            <option value="active">Active</option>
            <option value="rejected">Rejected</option>
            <option value="cancelled">Cancelled</option>
            <option value="revoked">Revoked</option>
            <option value="expired">Expired</option>
          </select>
        </label>
      </div>
      <GrantsTable
        caption="Your requests, newest first"
        grants={query.data?.items}
        columns={['age', 'service', 'target', 'justification', 'approvals', 'state', 'actions']}
        empty={{
          title: 'You have not requested any access yet.',
          body: 'Use "Request access" to ask for a service to reach a destination.',
        }}
      />
      <Pager
        search={search}
        data={query.data}
        onChange={(p) => void navigate({ search: (s) => ({ ...s, ...p }) })}
      />
    </>
  );
}

export function RequestsPage() {
  const me = useMe();
  const search = route.useSearch();
  const canDecide = can(me.role, 'grants.decide');
  const canRequest = can(me.role, 'grants.request');
  const view = search.view ?? (canDecide || !canRequest ? 'inbox' : 'mine');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Requests</h1>
          <p className="muted">
            {canDecide
              ? 'Requests waiting for a decision. Four eyes: you cannot approve your own.'
              : 'Access requests and their approvals.'}
          </p>
        </div>
        {canRequest ? (
          <Link to="/requests/new" className="btn btn-primary">
            Request access
          </Link>
        ) : null}
      </header>
      {canRequest ? (
        <nav className="tabs" aria-label="Request views">
          <Link
            to="/requests"
            search={{ view: 'inbox' }}
            aria-current={view === 'inbox' ? 'page' : undefined}
          >
            {canDecide ? 'Inbox' : 'All pending'}
          </Link>
          <Link to="/requests" search={{ view: 'mine' }} aria-current={view === 'mine' ? 'page' : undefined}>
            My requests
          </Link>
        </nav>
      ) : null}
      {view === 'mine' ? <MyRequests email={me.email} /> : <Inbox canDecide={canDecide} />}
    </div>
  );
}
