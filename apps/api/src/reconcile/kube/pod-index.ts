// The pod address index: which pod held a pod IP at a given time, for attributing a gateway connection
// (source address, start time) to a pod and so to a registered service. Pure: the pod watch
// (pod-watch.ts) feeds it, the usage ingest reads it, and its rules are unit-tested alone.
//
// - An address is held from the pod's creation until the pod is seen deleted, finished (Succeeded,
//   Failed) or without that address. The end is kept for `keepEndedMs` (default 1 hour), so lines that
//   arrive late (a collector's batch, retries) still find the pod that made the connection.
// - IP reuse: a new pod may get the address of one that just ended. Each holder is an interval, and a
//   lookup picks the holder whose interval covers the connection's start; when a finished holder's end
//   and a new holder's start overlap (events arrive in any order), the finished one wins, since it
//   certainly held the address until its end, while the new one was created but not yet running.
// - Pods on the host network share their node's address: never indexed (attributing a node address
//   to whichever such pod came last would be a guess).

export interface PodInfo {
  /** "namespace/name". */
  key: string;
  namespace: string;
  labels: Record<string, string>;
  /** spec.serviceAccountName; "default" when unset (as the API server fills it). */
  serviceAccount: string;
}

/** What the index needs of a pod, as projected from the watch. */
export interface PodRecord extends PodInfo {
  ips: string[];
  /** creationTimestamp, ms. */
  createdAt: number;
  /** False when the pod cannot hold an address: finished, or on the host network. */
  live: boolean;
}

interface Holder {
  pod: PodInfo;
  since: number;
  until: number | null;
}

export interface PodIndex {
  /** A pod appeared or changed (labels, addresses, phase). `now`: when this was observed. */
  set(pod: PodRecord, now: number): void;
  /** A pod was deleted. */
  remove(key: string, now: number): void;
  /** The pod that held `ip` at `at` (ms), or null. */
  lookup(ip: string, at: number): PodInfo | null;
  /** Drops ended holders older than the keep window; returns how many addresses it forgot. */
  prune(now: number): number;
  /** Addresses currently held (for metrics and tests). */
  size(): number;
}

export const KEEP_ENDED_MS = 3_600_000;

const covers = (h: Holder, at: number): boolean => at >= h.since && (h.until === null || at <= h.until);

/** An ended holder beats an open one; between two of a kind, the later start. */
function preferred(h: Holder, than: Holder): boolean {
  if ((h.until === null) !== (than.until === null)) return h.until !== null;
  return h.since > than.since;
}

export function createPodIndex(options: { keepEndedMs?: number } = {}): PodIndex {
  const keepEndedMs = options.keepEndedMs ?? KEEP_ENDED_MS;
  const byIp = new Map<string, Holder[]>();
  /** Each pod's open holders, by address. */
  const open = new Map<string, Map<string, Holder>>();

  function end(key: string, ip: string, now: number): void {
    const holder = open.get(key)?.get(ip);
    if (!holder) return;
    holder.until = now;
    open.get(key)?.delete(ip);
  }

  function endAll(key: string, now: number): void {
    for (const ip of [...(open.get(key)?.keys() ?? [])]) end(key, ip, now);
    open.delete(key);
  }

  function set(pod: PodRecord, now: number): void {
    if (!pod.live) return endAll(pod.key, now);
    const mine = open.get(pod.key) ?? new Map<string, Holder>();
    open.set(pod.key, mine);
    const info: PodInfo = {
      key: pod.key,
      namespace: pod.namespace,
      labels: pod.labels,
      serviceAccount: pod.serviceAccount,
    };
    for (const ip of [...mine.keys()]) if (!pod.ips.includes(ip)) end(pod.key, ip, now);
    for (const ip of pod.ips) {
      const held = mine.get(ip);
      // Labels changed: attribution follows the pod's current labels (for its whole interval).
      if (held) held.pod = info;
      else {
        const holder: Holder = { pod: info, since: Math.min(pod.createdAt, now), until: null };
        mine.set(ip, holder);
        const list = byIp.get(ip) ?? [];
        list.push(holder);
        byIp.set(ip, list);
      }
    }
  }

  function lookup(ip: string, at: number): PodInfo | null {
    let found: Holder | null = null;
    for (const h of byIp.get(ip) ?? [])
      if (covers(h, at) && (found === null || preferred(h, found))) found = h;
    return found?.pod ?? null;
  }

  function prune(now: number): number {
    let forgotten = 0;
    for (const [ip, list] of byIp) {
      const kept = list.filter((h) => h.until === null || h.until >= now - keepEndedMs);
      if (kept.length === list.length) continue;
      if (kept.length === 0) {
        byIp.delete(ip);
        forgotten++;
      } else byIp.set(ip, kept);
    }
    return forgotten;
  }

  return {
    set,
    remove: endAll,
    lookup,
    prune,
    size: () => [...byIp.values()].filter((list) => list.some((h) => h.until === null)).length,
  };
}
