import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';

import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { allDestinationsQuery } from '../../destinations/api/destinations.queries.ts';
import { grantSetQuery } from '../../grants/api/grants.queries.ts';
import { allServicesQuery } from '../../services/api/services.queries.ts';
import { GraphCanvas } from './graph-canvas.tsx';
import { GraphFilters } from './graph-filters.tsx';
import { AUTO_COLLAPSE_SERVICES, type GraphLayout, layoutGraph } from './graph-layout.ts';
import { type AccessRow, accessRows } from './graph-rows.ts';
import { GraphTable } from './graph-table.tsx';

const route = getRouteApi('/_app/graph');

function GraphBody({
  error,
  layout,
  rows,
  asTable,
  filtered,
  onToggle,
}: {
  error: Error | null;
  layout: GraphLayout | null;
  rows: AccessRow[] | null;
  asTable: boolean;
  filtered: boolean;
  onToggle: (ns: string) => void;
}) {
  if (error) return <ErrorPanel error={error} what="the graph" />;
  if (!layout || !rows) return <BlockSkeleton lines={8} label="Loading the graph" />;
  if (asTable && rows.length > 0) return <GraphTable rows={rows} />;
  if (layout.edges.length === 0) {
    return (
      <EmptyState title="No active grants to draw." action={<Link to="/requests/new">Request access</Link>}>
        {filtered ? 'Nothing matches the filter.' : 'Edges appear when requests are approved.'}
      </EmptyState>
    );
  }
  return (
    <div className="graph-wrap">
      <GraphCanvas layout={layout} onToggle={onToggle} />
    </div>
  );
}

/** A short line drawn the way the canvas draws that kind of edge (colour and dash pattern). */
function LineSwatch({ kind }: { kind: 'edge' | 'sensitive' | 'wide' }) {
  return (
    <svg className={`swatch-line swatch-${kind}`} width="24" height="8" viewBox="0 0 24 8">
      <line x1="0" y1="4" x2="24" y2="4" />
    </svg>
  );
}

export function GraphPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const services = useQuery(allServicesQuery());
  const destinations = useQuery(allDestinationsQuery());
  const grants = useQuery(grantSetQuery({ state: 'active' }, 5000));
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());
  const error = services.error ?? destinations.error ?? grants.error;

  const layout = useMemo(() => {
    if (!services.data || !destinations.data || !grants.data) return null;
    return layoutGraph({
      services: services.data.items,
      destinations: destinations.data.items,
      grants: grants.data.items,
      filter: { namespace: search.namespace, destination: search.destination },
      toggled,
    });
  }, [services.data, destinations.data, grants.data, search.namespace, search.destination, toggled]);
  const rows = useMemo(() => {
    if (!services.data || !destinations.data || !grants.data) return null;
    return accessRows({
      services: services.data.items,
      destinations: destinations.data.items,
      grants: grants.data.items,
      filter: { namespace: search.namespace, destination: search.destination },
    });
  }, [services.data, destinations.data, grants.data, search.namespace, search.destination]);
  const asTable = search.view === 'table';

  const toggle = (ns: string) =>
    setToggled((prev) => {
      const next = new Set(prev);
      if (!next.delete(ns)) next.add(ns);
      return next;
    });
  const set = (patch: {
    namespace?: string | undefined;
    destination?: string | undefined;
    view?: 'table' | undefined;
  }) => void navigate({ search: (s) => ({ ...s, ...patch }) });

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Access graph</h1>
          <p className="muted">
            Active grants: services (grouped by namespace) → destinations. Hover or focus a node to trace it;
            click to open it; click a namespace to fold it.
          </p>
        </div>
      </header>
      <GraphFilters
        namespace={search.namespace}
        destination={search.destination}
        namespaces={layout?.namespaces ?? []}
        hosts={destinations.data?.items.map((d) => d.host) ?? []}
        onChange={set}
      />
      {layout ? (
        <p className="muted small">
          {layout.edges.length} edges · {layout.hiddenServices} services and {layout.hiddenDestinations}{' '}
          destinations without active grants not shown
          {grants.data?.truncated ? ' · first 5000 grants only' : ''}
        </p>
      ) : null}
      <fieldset className="segmented view-toggle">
        <legend className="sr-only">Show the access as</legend>
        {(['graph', 'table'] as const).map((v) => (
          <label key={v} className="check">
            <input
              type="radio"
              name="graph-view"
              value={v}
              checked={(asTable ? 'table' : 'graph') === v}
              onChange={() => set({ view: v === 'table' ? 'table' : undefined })}
            />
            {v === 'graph' ? 'Graph' : 'Table'}
          </label>
        ))}
      </fieldset>
      {asTable ? null : (
        <div className="legend muted small" aria-hidden="true">
          <span className="legend-item">
            <LineSwatch kind="edge" /> grant
          </span>
          <span className="legend-item">
            <LineSwatch kind="sensitive" /> to a sensitive destination (dash-dot, labelled)
          </span>
          <span className="legend-item">
            <LineSwatch kind="wide" /> port-wide (dashed)
          </span>
          <span>Namespaces fold automatically above {AUTO_COLLAPSE_SERVICES} services.</span>
        </div>
      )}
      <GraphBody
        error={error}
        layout={layout}
        rows={rows}
        asTable={asTable}
        filtered={Boolean(search.namespace ?? search.destination)}
        onToggle={toggle}
      />
    </div>
  );
}
