import type { AuditEvent } from '@egress/shared';
import { Fragment, useState } from 'react';

import { DataTable } from '../../../components/ui/data-table.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { AuditDiff } from './audit-diff.tsx';
import { TargetLink } from './target-link.tsx';

function EventRows({ event: e, open, onToggle }: { event: AuditEvent; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr>
        <td className="num">{e.seq}</td>
        <td>
          <RelativeTime iso={e.at} />
        </td>
        <td className="wrap-long">
          {e.actor}
          <span className="muted small"> · {e.actorType}</span>
        </td>
        <td>
          <code>{e.action}</code>
        </td>
        <td className="wrap-long">
          <TargetLink event={e} />
        </td>
        <td>
          <code className="small muted" title={e.requestId ?? undefined}>
            {e.requestId?.slice(0, 8) ?? '—'}
          </code>
        </td>
        <td>
          <button
            type="button"
            className="btn btn-small"
            aria-expanded={open}
            aria-controls={`audit-${e.seq}`}
            aria-label={`Details of event #${e.seq}`}
            onClick={onToggle}
          >
            {open ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {open ? (
        <tr id={`audit-${e.seq}`} className="expanded">
          <td colSpan={7}>
            <AuditDiff before={e.before} after={e.after} />
            <p className="muted small">
              hash <code>{e.hash.slice(0, 16)}…</code> · previous <code>{e.prevHash.slice(0, 16)}…</code>
            </p>
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function AuditTable({ events, filtered }: { events: AuditEvent[] | undefined; filtered: boolean }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (seq: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(seq)) next.add(seq);
      return next;
    });
  return (
    <DataTable
      className="table audit-table"
      caption="Audit events, newest first"
      head={
        <>
          <th scope="col" className="num">
            #
          </th>
          <th scope="col">When</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          <th scope="col">Request</th>
          <th scope="col">
            <span className="sr-only">Details</span>
          </th>
        </>
      }
      columns={7}
      items={events}
      empty={
        filtered
          ? { title: 'No event matches these filters.', body: 'Widen the time range or clear a filter.' }
          : { title: 'The audit log is empty.', body: 'Events appear as people sign in and change things.' }
      }
      row={(e) => (
        <Fragment key={e.seq}>
          <EventRows event={e} open={open.has(e.seq)} onToggle={() => toggle(e.seq)} />
        </Fragment>
      )}
    />
  );
}
