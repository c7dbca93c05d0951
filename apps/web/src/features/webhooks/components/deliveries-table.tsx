import type { WebhookDelivery } from '@egress/shared';
import { Fragment, useState } from 'react';

import { DataTable, type EmptyProps } from '../../../components/ui/data-table.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { useRetryDelivery } from '../api/webhooks.mutations.ts';
import { canRetry } from '../webhook-format.ts';
import { DeliveryStatusBadge } from './webhook-bits.tsx';

const COLUMNS = 8;

function ResponseCell({ delivery: d }: { delivery: WebhookDelivery }) {
  return (
    <>
      {d.responseStatus === null ? <span className="muted">—</span> : <code>HTTP {d.responseStatus}</code>}
      {d.lastError ? (
        <span className="clamp small text-red" title={d.lastError}>
          {d.lastError}
        </span>
      ) : null}
    </>
  );
}

function DeliveryRows({
  delivery: d,
  open,
  onToggle,
}: {
  delivery: WebhookDelivery;
  open: boolean;
  onToggle: () => void;
}) {
  const retry = useRetryDelivery();
  const panelId = `delivery-${d.id}`;
  return (
    <>
      <tr>
        <td>
          <DeliveryStatusBadge status={d.status} />
        </td>
        <td>
          <code className="small">{d.event}</code>
        </td>
        <td className="num">{d.attempts}</td>
        <td>
          <ResponseCell delivery={d} />
        </td>
        <td className="nowrap">
          <RelativeTime iso={d.nextAttemptAt} fallback="—" />
        </td>
        <td className="nowrap">
          <RelativeTime iso={d.createdAt} />
        </td>
        <td className="nowrap">
          <RelativeTime iso={d.deliveredAt} fallback="—" />
        </td>
        <td className="col-actions">
          <div className="row-actions">
            <button
              type="button"
              className="btn btn-small"
              aria-expanded={open}
              aria-controls={panelId}
              aria-label={`Payload of ${d.event} delivery ${d.id.slice(0, 8)}`}
              onClick={onToggle}
            >
              {open ? 'Hide' : 'Payload'}
            </button>
            {canRetry(d) ? (
              <button
                type="button"
                className="btn btn-small"
                disabled={retry.isPending}
                aria-label={`Retry ${d.event} delivery ${d.id.slice(0, 8)}`}
                onClick={() =>
                  retry.mutate(d.id, {
                    onSuccess: () =>
                      showToast({
                        kind: 'success',
                        title: 'Delivery queued again',
                        message: 'It is sent on the next pass.',
                      }),
                  })
                }
              >
                Retry
              </button>
            ) : null}
          </div>
        </td>
      </tr>
      {open ? (
        <tr id={panelId} className="expanded">
          <td colSpan={COLUMNS}>
            {/* pre-wrap (the .diff style): a long payload line wraps instead of widening the table. */}
            <div className="diff">
              <pre aria-label={`Payload of delivery ${d.id.slice(0, 8)}`}>
                {JSON.stringify(d.payload, null, 2)}
              </pre>
            </div>
            <p className="muted small">
              event id <code>{d.eventId}</code> (the same for every webhook's copy of this event)
            </p>
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** The delivery log: one row per event sent (or to be sent) to this webhook, newest first. */
export function DeliveriesTable({
  deliveries,
  empty,
}: {
  deliveries: WebhookDelivery[] | undefined;
  empty: EmptyProps;
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <DataTable
      caption="Deliveries, newest first"
      head={
        <>
          <th scope="col">Status</th>
          <th scope="col">Event</th>
          <th scope="col" className="num">
            Attempts
          </th>
          <th scope="col">Response</th>
          <th scope="col">Next attempt</th>
          <th scope="col">Created</th>
          <th scope="col">Delivered</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </>
      }
      columns={COLUMNS}
      items={deliveries}
      empty={empty}
      row={(d) => (
        <Fragment key={d.id}>
          <DeliveryRows delivery={d} open={open.has(d.id)} onToggle={() => toggle(d.id)} />
        </Fragment>
      )}
    />
  );
}
