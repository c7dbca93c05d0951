import { can, type Grant } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';

import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { Pager } from '../../../components/ui/pager.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { grantListQuery, grantSetQuery } from '../api/grants.queries.ts';
import { GrantsTable } from './grants-table.tsx';

const route = getRouteApi('/_app/requests');
const PAGE = 50;

function byOldest(a: Grant, b: Grant) {
  return a.requestedAt.localeCompare(b.requestedAt);
}

function Inbox({ canDecide }: { canDecide: boolean }) {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const query = useQuery(grantSetQuery({ state: 'pending' }));
  const page = Math.max(1, Number(search.page ?? '1') || 1);
  const sorted = query.data ? [...query.data.items].sort(byOldest) : [];
  const rows = sorted.slice((page - 1) * PAGE, page * PAGE);
  if (query.isError) return <ErrorPanel error={query.error} what="pending requests" />;
  return (
    <>
      <p className="muted small" aria-live="polite">
        {query.data ? `${sorted.length}${query.data.truncated ? '+' : ''} pending, oldest first.` : ''}
        {!canDecide ? ' You can read these; deciding needs the approver role.' : ''}
      </p>
      <GrantsTable
        caption="Pending requests, oldest first"
        grants={query.isPending ? undefined : rows}
        columns={['requested', 'service', 'target', 'justification', 'approvals', 'actions']}
        empty={{
          title: 'Nothing is waiting for a decision.',
          body: 'New requests appear here, oldest first.',
        }}
      />
      {sorted.length > PAGE ? (
        <nav className="pager" aria-label="Inbox pages">
          <span className="muted small">
            Page {page} of {Math.ceil(sorted.length / PAGE)}
          </span>
          <button
            type="button"
            className="btn"
            disabled={page === 1}
            onClick={() => void navigate({ search: (s) => ({ ...s, page: String(page - 1) }) })}
          >
            Previous page
          </button>
          <button
            type="button"
            className="btn"
            disabled={page * PAGE >= sorted.length}
            onClick={() => void navigate({ search: (s) => ({ ...s, page: String(page + 1) }) })}
          >
            Next page
          </button>
        </nav>
      ) : null}
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
                search: (s) => ({
                  ...s,
                  state: (e.target.value || undefined) as typeof s.state,
                  cursor: undefined,
                  prev: undefined,
                }),
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
        nextCursor={query.data?.nextCursor}
        shown={query.data?.items.length ?? 0}
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
