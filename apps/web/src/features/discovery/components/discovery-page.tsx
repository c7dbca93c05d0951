// Discovered egress: (service, host, port) seen without a grant, from denied flows and observe-mode
// gateways, newest first and paged by the API. Rows are selected into requests with one justification.
import { can, type UngrantedTraffic } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';

import { Badge } from '../../../components/ui/badge.tsx';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { FilterBar, FilterSelect } from '../../../components/ui/filter-bar.tsx';
import { PagedList } from '../../../components/ui/paged-list.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { listNavigation } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { discoveredQuery } from '../api/discovery.queries.ts';
import { BulkRequestForm } from './bulk-request-form.tsx';

const route = getRouteApi('/_app/discovery');

const SOURCES = [
  { value: 'denied', label: 'denied by the policy' },
  { value: 'observed', label: 'observed at a gateway' },
] as const;

const keyOf = (r: UngrantedTraffic) => `${r.serviceId}|${r.host}|${r.port}`;

function Filters() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const { filter: set } = listNavigation<typeof search>(navigate);
  return (
    <FilterBar label="Filter discovered egress">
      <label>
        Service or host
        <input
          type="search"
          defaultValue={search.q ?? ''}
          onChange={(e) => set({ q: e.target.value || undefined })}
        />
      </label>
      <label>
        Namespace
        <input
          defaultValue={search.namespace ?? ''}
          onBlur={(e) => set({ namespace: e.target.value.trim() || undefined })}
        />
      </label>
      <FilterSelect
        label="Seen"
        value={search.source}
        onChange={(source) => set({ source })}
        any="denied or observed"
        options={SOURCES}
      />
      <label>
        In the last
        <select value={String(search.days ?? 7)} onChange={(e) => set({ days: Number(e.target.value) })}>
          <option value="1">day</option>
          <option value="7">7 days</option>
          <option value="30">30 days</option>
        </select>
      </label>
    </FilterBar>
  );
}

function Row({
  r,
  checked,
  onToggle,
  selectable,
}: {
  r: UngrantedTraffic;
  checked: boolean;
  onToggle: () => void;
  selectable: boolean;
}) {
  const requestable = r.destinationId !== null && r.pendingGrantId === null;
  return (
    <tr>
      <td>
        {selectable && requestable ? (
          <input
            type="checkbox"
            checked={checked}
            onChange={onToggle}
            aria-label={`Select ${r.service} → ${r.host}:${r.port}`}
          />
        ) : null}
      </td>
      <td>
        <Link to="/services/$serviceId" params={{ serviceId: r.serviceId }}>
          {r.service}
        </Link>{' '}
        <span className="muted small">{r.namespace}</span>
      </td>
      <td>
        {r.destinationId ? (
          <Link to="/destinations/$destinationId" params={{ destinationId: r.destinationId }}>
            {r.host}
          </Link>
        ) : (
          <>
            {r.host} <span className="muted small">(not registered)</span>
          </>
        )}
        :{r.port}
      </td>
      <td>
        {r.deniedCount > 0 ? `${r.deniedCount} denied` : null}
        {r.deniedCount > 0 && r.observedConnections > 0 ? ', ' : null}
        {r.observedConnections > 0 ? `${r.observedConnections} observed` : null}
      </td>
      <td>
        <RelativeTime iso={r.lastSeen} />
      </td>
      <td>
        {r.pendingGrantId ? (
          <Link to="/grants/$grantId" params={{ grantId: r.pendingGrantId }}>
            <Badge tone="amber">request pending</Badge>
          </Link>
        ) : null}
      </td>
    </tr>
  );
}

export function DiscoveryPage() {
  const me = useMe();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const { page } = listNavigation<typeof search>(navigate);
  const query = useQuery(
    discoveredQuery({
      q: search.q,
      namespace: search.namespace,
      source: search.source,
      days: search.days,
      cursor: search.cursor,
    }),
  );
  const [selected, setSelected] = useState<Map<string, UngrantedTraffic>>(new Map());
  const selectable = can(me.role, 'grants.request');
  const toggle = (r: UngrantedTraffic) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (next.has(keyOf(r))) next.delete(keyOf(r));
      else next.set(keyOf(r), r);
      return next;
    });
  if (!can(me.role, 'discovery.read'))
    return (
      <div className="page">
        <h1>Discovered egress</h1>
        <p className="callout">Discovered egress needs the engineer role or above.</p>
      </div>
    );
  const items = [...selected.values()].map((r) => ({
    service: r.service,
    destination: r.host,
    port: r.port,
  }));
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Discovered egress</h1>
          <p className="muted">
            Which service reached (or tried to reach) which host and port without a grant: connections the
            policy denied, and connections an observe-mode gateway let through. Select rows to request access
            for them with one justification; each becomes a normal request.
          </p>
        </div>
      </header>
      <Filters />
      <PagedList query={query} what="discovered egress" search={search} onPage={page}>
        {(rows) => (
          <DataTable
            caption="Traffic seen without a grant"
            head={
              <>
                <th scope="col">
                  <span className="sr-only">Select</span>
                </th>
                <th scope="col">Service</th>
                <th scope="col">Host and port</th>
                <th scope="col">Seen</th>
                <th scope="col">Last seen</th>
                <th scope="col">Request</th>
              </>
            }
            columns={6}
            items={rows}
            empty={{
              title: 'Nothing seen without a grant.',
              body: 'Denied flows (from a collector) and use of observe-mode destinations without a grant appear here.',
            }}
            row={(r) => (
              <Row
                key={keyOf(r)}
                r={r}
                checked={selected.has(keyOf(r))}
                onToggle={() => toggle(r)}
                selectable={selectable}
              />
            )}
          />
        )}
      </PagedList>
      {selectable && selected.size > 0 ? (
        <section aria-labelledby="bulk-title" className="card stack">
          <h2 id="bulk-title">Request access for {selected.size} selected</h2>
          <BulkRequestForm
            items={items}
            label={`File ${selected.size} ${selected.size === 1 ? 'request' : 'requests'}`}
            onDone={() => setSelected(new Map())}
          />
        </section>
      ) : null}
    </div>
  );
}
