import { Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';

import { LockIcon } from '../../../components/ui/badge.tsx';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { HostName } from '../../../components/ui/host-name.tsx';
import { SortHeader } from '../../../components/ui/sort-header.tsx';
import { type AccessRow, type SortDir, type SortKey, sortRows } from './graph-rows.ts';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'namespace', label: 'Namespace' },
  { key: 'service', label: 'Service' },
  { key: 'destination', label: 'Destination' },
  { key: 'ports', label: 'Ports' },
  { key: 'sensitivity', label: 'Sensitivity' },
  { key: 'grants', label: 'Grants' },
];

function DestinationCell({ row }: { row: AccessRow }) {
  if (row.destinationId === null || row.destination === null)
    return (
      <Link to="/grants" search={{ portWide: 'true' }}>
        any host (port-wide)
      </Link>
    );
  return (
    <Link to="/destinations/$destinationId" params={{ destinationId: row.destinationId }}>
      <HostName host={row.destination} />
    </Link>
  );
}

/** The graph's data as a table: what a screen reader, a keyboard or a search in the page can use. */
export function GraphTable({ rows }: { rows: AccessRow[] }) {
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({ key: 'namespace', dir: 'asc' });
  const sorted = useMemo(() => sortRows(rows, sort.key, sort.dir), [rows, sort]);
  const label = COLUMNS.find((c) => c.key === sort.key)?.label.toLowerCase() ?? sort.key;
  return (
    <DataTable
      caption={`Access graph as a table: one row per service and destination, sorted by ${label}, ${sort.dir === 'asc' ? 'ascending' : 'descending'}`}
      head={COLUMNS.map((c) => (
        <SortHeader key={c.key} label={c.label} column={c.key} sort={sort} onSort={setSort} />
      ))}
      columns={COLUMNS.length}
      items={sorted}
      empty={{ title: 'No active grants.' }}
      row={(r) => (
        <tr key={r.id}>
          <td>{r.namespace}</td>
          <td>
            <Link to="/services/$serviceId" params={{ serviceId: r.serviceId }}>
              {r.service}
            </Link>
          </td>
          <td>
            <DestinationCell row={r} />
          </td>
          <td>{r.ports.join(', ')}</td>
          <td>
            {r.sensitive ? (
              <span className="sensitive-mark">
                <LockIcon />
                <span>sensitive</span>
              </span>
            ) : r.destination === null ? (
              'port-wide'
            ) : (
              <span className="muted">standard</span>
            )}
          </td>
          <td>{r.grants}</td>
        </tr>
      )}
    />
  );
}
