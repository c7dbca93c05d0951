// Pure layout of the access graph: services (grouped by namespace) on the left, destinations on the
// right, one edge per active grant. Big graphs stay readable by collapsing namespaces into one node whose
// edges are merged per destination (labelled with the ports and a count) instead of drawing a hairball.
import type { Destination, Grant, Service } from '@egress/shared';

export const ANY_HOST_ID = 'any-host';
export const ROW = 28;
export const HEADER = 30;
/** Above this many connected services, namespaces start collapsed. */
export const AUTO_COLLAPSE_SERVICES = 40;

export interface LeftNode {
  kind: 'namespace' | 'service';
  id: string;
  label: string;
  namespace: string;
  y: number;
  collapsed?: boolean;
  serviceCount?: number;
}

export interface RightNode {
  kind: 'destination' | 'any';
  id: string;
  label: string;
  sensitive: boolean;
  y: number;
}

export interface Edge {
  id: string;
  from: string;
  to: string;
  ports: number[];
  grants: number;
  sensitive: boolean;
  portWide: boolean;
}

export interface GraphLayout {
  left: LeftNode[];
  right: RightNode[];
  edges: Edge[];
  height: number;
  hiddenServices: number;
  hiddenDestinations: number;
  namespaces: string[];
}

export interface GraphFilter {
  namespace?: string | undefined;
  /** A destination host, or "*" for port-wide grants. */
  destination?: string | undefined;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

function keep(g: Grant, service: Service | undefined, filter: GraphFilter): boolean {
  if (!service) return false;
  if (filter.namespace && service.namespace !== filter.namespace) return false;
  if (filter.destination === '*') return g.destination === null;
  return !filter.destination || g.destination === filter.destination;
}

function isCollapsed(ns: string, defaultCollapsed: boolean, toggled: ReadonlySet<string>): boolean {
  return toggled.has(ns) ? !defaultCollapsed : defaultCollapsed;
}

function placeLeft(
  byNs: Map<string, Service[]>,
  defaultCollapsed: boolean,
  toggled: ReadonlySet<string>,
): LeftNode[] {
  const left: LeftNode[] = [];
  let y = 0;
  for (const ns of [...byNs.keys()].sort()) {
    const list = (byNs.get(ns) ?? []).sort((a, b) => a.name.localeCompare(b.name));
    const collapsed = isCollapsed(ns, defaultCollapsed, toggled);
    left.push({
      kind: 'namespace',
      id: `ns:${ns}`,
      label: ns,
      namespace: ns,
      y,
      collapsed,
      serviceCount: list.length,
    });
    y += HEADER;
    if (collapsed) continue;
    for (const s of list) {
      left.push({ kind: 'service', id: s.id, label: s.name, namespace: ns, y });
      y += ROW;
    }
    y += 6;
  }
  return left;
}

function mergeEdges(
  grants: Grant[],
  fromOf: (g: Grant) => string,
  destinations: Map<string, Destination>,
): Edge[] {
  const edges = new Map<string, Edge>();
  for (const g of grants) {
    const from = fromOf(g);
    const dest = g.destination === null ? undefined : destinations.get(g.destination);
    const to = dest ? dest.id : ANY_HOST_ID;
    const id = `${from}->${to}`;
    const edge = edges.get(id) ?? {
      id,
      from,
      to,
      ports: [],
      grants: 0,
      sensitive: dest?.sensitivity === 'sensitive',
      portWide: to === ANY_HOST_ID,
    };
    edge.grants += 1;
    if (!edge.ports.includes(g.port)) edge.ports = [...edge.ports, g.port].sort((a, b) => a - b);
    edges.set(id, edge);
  }
  return [...edges.values()];
}

/**
 * Destinations sit near the services that reach them (barycentre of their edges' sources), pushed down
 * just enough not to overlap: far fewer crossings than an alphabetical column.
 */
function placeRight(
  destinations: Destination[],
  grants: Grant[],
  edges: Edge[],
  left: LeftNode[],
): RightNode[] {
  const usedHosts = new Set(grants.map((g) => g.destination));
  const leftY = new Map(left.map((n) => [n.id, n.y]));
  const nodes: RightNode[] = destinations
    .filter((d) => usedHosts.has(d.host))
    .map((d) => ({
      kind: 'destination' as const,
      id: d.id,
      label: d.host,
      sensitive: d.sensitivity === 'sensitive',
      y: 0,
    }));
  if (usedHosts.has(null))
    nodes.push({ kind: 'any', id: ANY_HOST_ID, label: 'any host (port-wide)', sensitive: false, y: 0 });
  const bary = new Map<string, number>();
  for (const n of nodes) {
    const ys = edges.filter((e) => e.to === n.id).map((e) => leftY.get(e.from) ?? 0);
    bary.set(n.id, ys.reduce((a, b) => a + b, 0) / Math.max(1, ys.length));
  }
  nodes.sort((a, b) => (bary.get(a.id) ?? 0) - (bary.get(b.id) ?? 0) || a.label.localeCompare(b.label));
  let next = 0;
  for (const n of nodes) {
    n.y = Math.max(next, bary.get(n.id) ?? 0);
    next = n.y + ROW;
  }
  return nodes;
}

export function layoutGraph(input: {
  services: Service[];
  destinations: Destination[];
  grants: Grant[];
  filter: GraphFilter;
  toggled: ReadonlySet<string>;
}): GraphLayout {
  const serviceById = new Map(input.services.map((s) => [s.id, s]));
  const destByHost = new Map(input.destinations.map((d) => [d.host, d]));
  const grants = input.grants.filter(
    (g) =>
      g.state === 'active' &&
      keep(g, serviceById.get(g.serviceId), input.filter) &&
      (g.destination === null || destByHost.has(g.destination)),
  );

  const connected = [...new Set(grants.map((g) => g.serviceId))]
    .map((id) => serviceById.get(id))
    .filter((s): s is Service => s !== undefined);
  const byNs = groupBy(connected, (s) => s.namespace);
  const defaultCollapsed = connected.length > AUTO_COLLAPSE_SERVICES;
  const left = placeLeft(byNs, defaultCollapsed, input.toggled);
  const collapsedNs = new Set(
    left.filter((n) => n.kind === 'namespace' && n.collapsed).map((n) => n.namespace),
  );

  const fromOf = (g: Grant) => {
    const ns = serviceById.get(g.serviceId)?.namespace ?? '';
    return collapsedNs.has(ns) ? `ns:${ns}` : g.serviceId;
  };
  const edges = mergeEdges(grants, fromOf, destByHost);

  const right = placeRight(input.destinations, grants, edges, left);
  const lastLeft = left[left.length - 1];
  const leftHeight = lastLeft ? lastLeft.y + (lastLeft.kind === 'namespace' ? HEADER : ROW) : 0;
  return {
    left,
    right,
    edges,
    height: Math.max(leftHeight, (right[right.length - 1]?.y ?? 0) + ROW, ROW),
    hiddenServices: input.services.length - connected.length,
    hiddenDestinations: input.destinations.length - right.filter((r) => r.kind === 'destination').length,
    namespaces: [...new Set(input.services.map((s) => s.namespace))].sort(),
  };
}
