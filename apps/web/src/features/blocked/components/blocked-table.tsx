import { type BlockedEgressGroup, can } from '@egress/shared';
import { Link } from '@tanstack/react-router';

import { Badge } from '../../../components/ui/badge.tsx';
import { DataTable, type EmptyProps } from '../../../components/ui/data-table.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { accessView, portNotRegistered } from '../access-state.ts';
import { requestPrefill } from '../request-prefill.ts';

function ServiceCell({ group: g }: { group: BlockedEgressGroup }) {
  if (g.service === null) {
    return (
      <>
        <Badge tone="grey" title="No registered service selects the pods these flows came from">
          unattributed
        </Badge>
        <span className="small block">namespace {g.sourceNamespace}</span>
      </>
    );
  }
  return (
    <>
      {g.serviceId ? (
        <Link to="/services/$serviceId" params={{ serviceId: g.serviceId }}>
          {g.service}
        </Link>
      ) : (
        g.service
      )}
      <span className="muted small block">{g.sourceNamespace}</span>
    </>
  );
}

function DestinationCell({ group: g }: { group: BlockedEgressGroup }) {
  const ip = g.destName && g.destIp ? <span className="muted small block">{g.destIp}</span> : null;
  if (g.known && g.destinationId) {
    return (
      <span className="target">
        <Link to="/destinations/$destinationId" params={{ destinationId: g.destinationId }}>
          {g.destination}
        </Link>
        <Badge tone="green" title="Registered in Egress Control: access can be requested">
          known
        </Badge>
        {ip}
      </span>
    );
  }
  return (
    <span className="target">
      <span className="clamp" title={g.destination}>
        {g.destination}
      </span>
      <Badge tone="amber" title="Not registered: an approver must add it before access can be requested">
        unknown
      </Badge>
      {ip}
    </span>
  );
}

function portText(g: BlockedEgressGroup): string {
  return `${g.port}/${g.protocol}`;
}

function PortCell({ group: g }: { group: BlockedEgressGroup }) {
  const mismatch = portNotRegistered(g.destination, g.port, g.destinationPorts);
  // Short in the row (the host is in the next column); the full sentence on hover and in the form.
  return (
    <>
      <span className="nowrap">{portText(g)}</span>
      {mismatch && g.destinationPorts ? (
        <span className="small block text-warn" title={mismatch}>
          not registered: {g.destinationPorts.join(', ')} {g.destinationPorts.length === 1 ? 'is' : 'are'}
        </span>
      ) : null}
    </>
  );
}

/** Where access stands (issue 18): nothing asked, pending with its approvals, active, or rejected. */
function AccessCell({ group: g }: { group: BlockedEgressGroup }) {
  const view = accessView(g);
  const a = g.access;
  if (!view.label || !a) return null;
  return (
    <>
      <Link
        to="/grants/$grantId"
        params={{ grantId: a.grantId }}
        aria-label={`${view.label}: open the grant`}
      >
        <Badge tone={view.tone}>{view.label}</Badge>
      </Link>
      {view.detail ? <span className="small block muted">{view.detail}</span> : null}
    </>
  );
}

function RowAction({ group: g }: { group: BlockedEgressGroup }) {
  const view = accessView(g);
  const target = `${g.service ?? 'a service'} to ${g.destination}:${portText(g)}`;
  if (view.action === 'view-request' && g.access)
    return (
      <Link
        to="/grants/$grantId"
        params={{ grantId: g.access.grantId }}
        className="btn btn-small"
        aria-label={`View the pending request for ${target}`}
      >
        View request
      </Link>
    );
  if (view.action === 'explain')
    return (
      <Link
        to="/reach"
        search={{ service: g.service ?? undefined, host: g.destination, port: g.port }}
        className="btn btn-small"
        aria-label={`Explain why ${target} is still denied`}
      >
        Why denied?
      </Link>
    );
  const again = view.action === 'request-again';
  return (
    <Link
      to="/requests/new"
      search={requestPrefill(g)}
      className="btn btn-small"
      aria-label={`${again ? 'Request again' : 'Request access'} for ${target}`}
    >
      {again ? 'Request again' : 'Request access'}
    </Link>
  );
}

export function BlockedTable({
  groups,
  empty,
}: {
  groups: BlockedEgressGroup[] | undefined;
  empty: EmptyProps;
}) {
  const me = useMe();
  const canRequest = can(me.role, 'grants.request');
  return (
    <DataTable
      caption="Blocked egress, grouped by service and destination"
      head={
        <>
          <th scope="col">Service</th>
          <th scope="col">Destination</th>
          <th scope="col">Port</th>
          <th scope="col" className="num">
            Count
          </th>
          <th scope="col">Last seen</th>
          <th scope="col">Sample workload</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </>
      }
      columns={7}
      items={groups}
      empty={empty}
      row={(g) => (
        <tr key={g.key}>
          <td className="col-service">
            <ServiceCell group={g} />
          </td>
          <td className="col-target">
            <DestinationCell group={g} />
          </td>
          <td>
            <PortCell group={g} />
          </td>

          <td className="num">{g.count}</td>
          <td className="nowrap">
            <RelativeTime iso={g.lastSeen} />
            {/* First seen under last seen: one column less, so the table fits 1024 px. */}
            <span className="muted small block">
              first <RelativeTime iso={g.firstSeen} />
            </span>
          </td>
          <td>
            {g.sourceWorkload ? (
              <code className="small clamp" title={g.sourceWorkload}>
                {g.sourceWorkload}
              </code>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
          <td className="col-actions">
            {/* Where access stands, then the one action that fits it (one column: fits 1024 px). */}
            <AccessCell group={g} />
            {canRequest ? (
              <span className="block">
                <RowAction group={g} />
              </span>
            ) : null}
          </td>
        </tr>
      )}
    />
  );
}
