// "My access" (issue 18): the grants and requests I asked for, with expiry countdowns, Renew on grants
// ending soon, Request again on closed ones, and the decisions on my requests.
import type { Grant } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';

import { Badge, type Tone } from '../../../components/ui/badge.tsx';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { Pager } from '../../../components/ui/pager.tsx';
import { utc } from '../../../lib/format.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { grantListQuery } from '../../grants/api/grants.queries.ts';
import { canRenew, canRequestAgain, expiringSoon, expiryText } from '../expiry.ts';
import { DecisionsList } from './decisions-list.tsx';
import { RenewDialog } from './renew-dialog.tsx';

const route = getRouteApi('/_app/my-access');
const TONE: Record<Grant['state'], Tone> = {
  pending: 'amber',
  active: 'green',
  rejected: 'grey',
  cancelled: 'grey',
  revoked: 'grey',
  expired: 'grey',
};

/** The clock the countdowns read, ticking once a minute. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function Expiry({ grant: g, now }: { grant: Grant; now: number }) {
  const text = expiryText(g, now);
  if (g.state === 'active' && g.expiresAt)
    return (
      <time
        dateTime={g.expiresAt}
        title={utc(g.expiresAt)}
        className={expiringSoon(g, now) ? 'text-warn' : undefined}
      >
        {text}
      </time>
    );
  return <span className={g.state === 'pending' ? undefined : 'muted'}>{text}</span>;
}

function Actions({ grant: g, now, onRenew }: { grant: Grant; now: number; onRenew: (g: Grant) => void }) {
  const target = `${g.service} → ${g.destination ?? 'any host'}:${g.port}`;
  if (g.pendingRenewalId)
    return (
      <Link to="/grants/$grantId" params={{ grantId: g.pendingRenewalId }} className="btn btn-small">
        Renewal pending
      </Link>
    );
  if (canRenew(g, now))
    return (
      <button
        type="button"
        className="btn btn-small"
        aria-label={`Renew ${target}`}
        onClick={() => onRenew(g)}
      >
        Renew
      </button>
    );
  if (canRequestAgain(g))
    return (
      <Link
        to="/requests/new"
        search={{ service: g.service, destination: g.destination ?? undefined, port: g.port, from: g.id }}
        className="btn btn-small"
        aria-label={`Request again ${target}`}
      >
        Request again
      </Link>
    );
  return null;
}

function StateCell({ grant: g }: { grant: Grant }) {
  return (
    <>
      <Badge tone={TONE[g.state]} title={g.reason ?? undefined}>
        {g.state}
      </Badge>
      {g.state === 'pending' ? (
        <span className="small block muted">
          {g.approvals.length} of {g.requiredApprovals} approvals
        </span>
      ) : null}
      {g.renewsGrantId ? <span className="small block muted">renewal</span> : null}
      {g.proposedDestination && !g.destinationId ? (
        <span className="small block muted">proposes the destination</span>
      ) : null}
      {g.reason && g.state !== 'active' ? <span className="small block muted">{g.reason}</span> : null}
    </>
  );
}

export function MyAccessPage() {
  const me = useMe();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const now = useNow();
  const [renewing, setRenewing] = useState<Grant | null>(null);
  const query = useQuery(grantListQuery({ requestedBy: me.email, cursor: search.cursor }));
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>My access</h1>
          <p className="muted">
            The grants and requests you asked for. Durations count from the final approval; renew a grant
            before it ends and the renewal takes over without a gap.
          </p>
        </div>
        <Link to="/requests/new" className="btn btn-primary">
          Request access
        </Link>
      </header>
      <DecisionsList />
      <section aria-labelledby="mine-heading" className="stack">
        <h2 id="mine-heading">Your grants and requests</h2>
        {query.isError ? (
          <ErrorPanel error={query.error} what="your grants" />
        ) : (
          <DataTable
            caption="Grants and requests you asked for, newest first"
            head={
              <>
                <th scope="col">Service</th>
                <th scope="col">Destination</th>
                <th scope="col">State</th>
                <th scope="col">Expiry</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </>
            }
            columns={5}
            items={query.data?.items}
            empty={{
              title: 'You have not asked for access yet.',
              body: 'Request access from Blocked egress or with the button above.',
            }}
            row={(g) => (
              <tr key={g.id}>
                <td>
                  <Link to="/grants/$grantId" params={{ grantId: g.id }}>
                    {g.service}
                  </Link>
                  <span className="muted small block">{g.serviceNamespace}</span>
                </td>
                <td className="col-target">
                  {g.destination ?? 'any host'}:{g.port}
                </td>
                <td>
                  <StateCell grant={g} />
                </td>
                <td className="nowrap">
                  <Expiry grant={g} now={now} />
                </td>
                <td className="col-actions">
                  <Actions grant={g} now={now} onRenew={setRenewing} />
                </td>
              </tr>
            )}
          />
        )}
        <Pager
          search={search}
          data={query.data}
          label="Pages of your grants"
          onChange={(p) => void navigate({ search: (s) => ({ ...s, ...p }) })}
        />
      </section>
      {renewing ? <RenewDialog grant={renewing} open onClose={() => setRenewing(null)} /> : null}
    </div>
  );
}
