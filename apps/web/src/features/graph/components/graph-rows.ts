// The access graph as rows, for the table view: the same active grants the canvas draws, one row per
// service and destination (never collapsed), sortable by any column. Pure, so it is tested without a
// browser and the two views cannot disagree about what is shown.
import type { Destination, Grant, Service } from '@egress/shared';

import type { GraphFilter } from './graph-layout.ts';

export interface AccessRow {
  id: string;
  serviceId: string;
  service: string;
  namespace: string;
  /** null for port-wide grants (any host). */
  destinationId: string | null;
  destination: string | null;
  sensitive: boolean;
  ports: number[];
  grants: number;
}

export const SORT_KEYS = ['namespace', 'service', 'destination', 'ports', 'sensitivity', 'grants'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

function keep(g: Grant, service: Service | undefined, filter: GraphFilter): service is Service {
  if (!service || g.state !== 'active') return false;
  if (filter.namespace && service.namespace !== filter.namespace) return false;
  if (filter.destination === '*') return g.destination === null;
  return !filter.destination || g.destination === filter.destination;
}

function newRow(service: Service, dest: Destination | undefined): AccessRow {
  return {
    id: `${service.id}->${dest?.id ?? '*'}`,
    serviceId: service.id,
    service: service.name,
    namespace: service.namespace,
    destinationId: dest?.id ?? null,
    destination: dest?.host ?? null,
    sensitive: dest?.sensitivity === 'sensitive',
    ports: [],
    grants: 0,
  };
}

export function accessRows(input: {
  services: Service[];
  destinations: Destination[];
  grants: Grant[];
  filter: GraphFilter;
}): AccessRow[] {
  const services = new Map(input.services.map((s) => [s.id, s]));
  const destinations = new Map(input.destinations.map((d) => [d.host, d]));
  const rows = new Map<string, AccessRow>();
  for (const g of input.grants) {
    const service = services.get(g.serviceId);
    if (!keep(g, service, input.filter)) continue;
    const dest = g.destination === null ? undefined : destinations.get(g.destination);
    // A grant to a destination that is gone is not drawn on the canvas either.
    if (g.destination !== null && !dest) continue;
    const fresh = newRow(service, dest);
    const row = rows.get(fresh.id) ?? fresh;
    row.grants += 1;
    if (!row.ports.includes(g.port)) row.ports = [...row.ports, g.port].sort((a, b) => a - b);
    rows.set(row.id, row);
  }
  return sortRows([...rows.values()], 'namespace', 'asc');
}

const text = (a: string, b: string) => a.localeCompare(b);
const COMPARE: Record<SortKey, (a: AccessRow, b: AccessRow) => number> = {
  namespace: (a, b) => text(a.namespace, b.namespace),
  service: (a, b) => text(a.service, b.service),
  // Port-wide ("any host") after every named host.
  destination: (a, b) => text(a.destination ?? '\uffff', b.destination ?? '\uffff'),
  ports: (a, b) => (a.ports[0] ?? 0) - (b.ports[0] ?? 0),
  sensitivity: (a, b) => Number(b.sensitive) - Number(a.sensitive),
  grants: (a, b) => a.grants - b.grants,
};
/** Ties fall back to namespace, service, destination: the order never depends on the input's. */
const TIE: SortKey[] = ['namespace', 'service', 'destination'];

export function sortRows(rows: AccessRow[], key: SortKey, dir: SortDir): AccessRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const first = COMPARE[key](a, b) * sign;
    if (first !== 0) return first;
    for (const k of TIE) {
      const next = COMPARE[k](a, b);
      if (next !== 0) return next;
    }
    return 0;
  });
}
