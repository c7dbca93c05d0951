import { type Alert, can } from '@egress/shared';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';

import { Badge } from '../../../components/ui/badge.tsx';
import { DataTable, type EmptyProps } from '../../../components/ui/data-table.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { utc } from '../../../lib/format.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { describeAlert, topDestinations, windowLabel } from '../alert-format.ts';
import { AcknowledgeDialog } from './acknowledge-dialog.tsx';

function StateBadge({ alert: a }: { alert: Alert }) {
  if (!a.acknowledgedAt) return <Badge tone="red">open</Badge>;
  const by = a.acknowledgedBy ? ` by ${a.acknowledgedBy}` : '';
  const comment = a.comment ? `: ${a.comment}` : '';
  return (
    <Badge tone="grey" title={`Acknowledged${by} at ${utc(a.acknowledgedAt)}${comment}`}>
      acknowledged
    </Badge>
  );
}

function ServiceCell({ alert: a }: { alert: Alert }) {
  if (a.service === null)
    return (
      <>
        <Badge tone="grey">unattributed</Badge>
        <span className="small block">namespace {a.sourceNamespace}</span>
      </>
    );
  return a.serviceId ? (
    <Link to="/services/$serviceId" params={{ serviceId: a.serviceId }}>
      {a.service}
    </Link>
  ) : (
    <>{a.service}</>
  );
}

function Destinations({ alert }: { alert: Alert }) {
  const top = topDestinations(alert);
  if (!top.text) return <span className="muted">—</span>;
  return (
    <span
      className="clamp"
      title={alert.destinations.map((d) => `${d.destination}:${d.port} ×${d.count}`).join('\n')}
    >
      {top.text}
      {top.more ? <span className="muted"> and {top.more} more</span> : null}
    </span>
  );
}

function windowSeconds(a: Alert): number {
  return Math.round((Date.parse(a.windowEnd) - Date.parse(a.windowStart)) / 1000);
}

/** Alerts, newest first; approvers acknowledge open ones from here (`actions`). */
export function AlertsTable({
  alerts,
  empty,
  caption,
  actions = true,
}: {
  alerts: Alert[] | undefined;
  empty: EmptyProps;
  caption: string;
  actions?: boolean;
}) {
  const me = useMe();
  const canAck = actions && can(me.role, 'alerts.acknowledge');
  // Kept here, not in the row: the dialog stays open with the verdict after the row leaves the list.
  const [acking, setAcking] = useState<Alert | null>(null);
  return (
    <>
      <DataTable
        caption={caption}
        head={
          <>
            <th scope="col">Raised</th>
            <th scope="col">Rule</th>
            <th scope="col">Service</th>
            <th scope="col" className="num" title="Denied flows in the window / the rule's threshold">
              Denied
            </th>
            <th scope="col">Window</th>
            <th scope="col">Top destinations</th>
            <th scope="col">State</th>
            {canAck ? (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </>
        }
        columns={canAck ? 8 : 7}
        items={alerts}
        empty={empty}
        row={(a) => (
          <tr key={a.id}>
            <td className="nowrap">
              <RelativeTime iso={a.raisedAt} />
            </td>
            <td>{a.ruleName}</td>
            <td className="col-service">
              <ServiceCell alert={a} />
            </td>
            <td
              className="num nowrap"
              title={`${a.count} denied flows in the window; the threshold is ${a.threshold}`}
            >
              <strong>{a.count}</strong> / {a.threshold}
            </td>
            <td className="nowrap" title={`${utc(a.windowStart)} – ${utc(a.windowEnd)}`}>
              {windowLabel(windowSeconds(a))}
            </td>
            <td className="col-target">
              <Destinations alert={a} />
            </td>
            <td>
              <StateBadge alert={a} />
            </td>
            {canAck ? (
              <td className="col-actions">
                {a.acknowledgedAt ? null : (
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Acknowledge alert ${describeAlert(a)}`}
                    onClick={() => setAcking(a)}
                  >
                    Acknowledge
                  </button>
                )}
              </td>
            ) : null}
          </tr>
        )}
      />
      {acking ? <AcknowledgeDialog key={acking.id} alert={acking} onClose={() => setAcking(null)} /> : null}
    </>
  );
}
