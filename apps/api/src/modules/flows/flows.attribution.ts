// Which registered service a denied flow came from: pure, so the rules are unit-tested alone.
//
// - A service is a candidate when its namespace is the record's and every label of its selector
//   (matchLabels) is among the record's labels.
// - Several candidates: the most specific selector (most labels) wins; a tie goes to the name that
//   sorts first, so the answer never depends on row order.
// - A record without labels (a collector that knows only the pod name) is attributed only when its
//   namespace holds exactly one live service: a guess between two would mislead.
// - Otherwise the flow is unattributed (service null): it still counts, per namespace.

export interface AttributableService {
  id: string;
  name: string;
  namespace: string;
  matchLabels: Record<string, string>;
}

export type Attributor = (namespace: string, labels: Record<string, string>) => AttributableService | null;

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector)) {
    if (labels[key] !== value) return false;
  }
  return true;
}

/** Most selector labels first, then by name: the first match in this order is the answer. */
function bySpecificity(a: AttributableService, b: AttributableService): number {
  const diff = Object.keys(b.matchLabels).length - Object.keys(a.matchLabels).length;
  return diff !== 0 ? diff : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function createAttributor(services: readonly AttributableService[]): Attributor {
  const byNamespace = new Map<string, AttributableService[]>();
  for (const service of services) {
    const list = byNamespace.get(service.namespace) ?? [];
    list.push(service);
    byNamespace.set(service.namespace, list);
  }
  for (const list of byNamespace.values()) list.sort(bySpecificity);
  return (namespace, labels) => {
    const candidates = byNamespace.get(namespace) ?? [];
    if (Object.keys(labels).length === 0) return candidates.length === 1 ? (candidates[0] ?? null) : null;
    return candidates.find((s) => selects(s.matchLabels, labels)) ?? null;
  };
}
