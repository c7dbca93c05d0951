// Which registered service a pod belongs to: pure, so the rules are unit-tested alone.
//
// - A service is a candidate when its namespace is the pod's, every label of its selector (matchLabels)
//   is among the pod's labels, and, when the service is bound to a ServiceAccount, the pod runs as it
//   (the admission policy makes that binding hold for new pods; a pod that predates it and runs as
//   another account is not the service's).
// - Several candidates: the most specific selector (most labels) wins; a tie goes to the name that sorts
//   first, so the answer never depends on row order (the same rule as denied-flow attribution).
// - A selector without labels matches nothing here: it would claim every pod of the namespace.
import type { PodInfo } from '../../reconcile/kube/pod-index.ts';

export interface RegisteredService {
  id: string;
  name: string;
  namespace: string;
  matchLabels: Record<string, string>;
  serviceAccount: string | null;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector)) if (labels[key] !== value) return false;
  return true;
}

function bySpecificity(a: RegisteredService, b: RegisteredService): number {
  const diff = Object.keys(b.matchLabels).length - Object.keys(a.matchLabels).length;
  return diff !== 0 ? diff : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function createPodAttributor(
  services: readonly RegisteredService[],
): (pod: PodInfo) => RegisteredService | null {
  const byNamespace = new Map<string, RegisteredService[]>();
  for (const s of services) {
    if (Object.keys(s.matchLabels).length === 0) continue;
    const list = byNamespace.get(s.namespace) ?? [];
    list.push(s);
    byNamespace.set(s.namespace, list);
  }
  for (const list of byNamespace.values()) list.sort(bySpecificity);
  return (pod) =>
    (byNamespace.get(pod.namespace) ?? []).find(
      (s) =>
        selects(s.matchLabels, pod.labels) &&
        (s.serviceAccount === null || s.serviceAccount === pod.serviceAccount),
    ) ?? null;
}
