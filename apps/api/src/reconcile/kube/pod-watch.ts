// Keeps the pod address index (pod-index.ts) current from a list-then-watch of the cluster's pods
// (watch.ts). One watch on /api/v1/pods for every namespace: a watch per namespace would cost one open
// request per namespace and a restart whenever a service is registered in a new one; attribution only
// ever names registered services anyway. Each pod is projected to what attribution needs (namespace,
// labels, service account, addresses, whether it can hold one), so a status change that touches none
// of that (conditions, container states) is not reported.
import type { FastifyBaseLogger } from 'fastify';

import type { KubeClient } from './client.ts';
import { createPodIndex, type PodIndex, type PodRecord } from './pod-index.ts';
import { type CollectionChange, watchCollection, type WatchedObject } from './watch.ts';

export interface PodWatch {
  index: PodIndex;
  /** True once the first list is in and while the watch is in sync (ingest waits for it). */
  ready(): boolean;
  stop(): Promise<void>;
}

interface PodObject extends WatchedObject {
  spec?: { serviceAccountName?: string; hostNetwork?: boolean };
  status?: { phase?: string; podIP?: string; podIPs?: { ip?: string }[] };
}

function addresses(status: PodObject['status']): string[] {
  const listed = (status?.podIPs ?? []).flatMap((p) => (p.ip ? [p.ip] : []));
  if (listed.length > 0) return listed;
  return status?.podIP ? [status.podIP] : [];
}

/** Finished pods have given their address back; host-network pods only borrow their node's. */
function canHoldAddress(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  return pod.spec?.hostNetwork !== true && phase !== 'Succeeded' && phase !== 'Failed';
}

/** A pod as the index sees it (exported for the unit test). */
export function projectPod(pod: PodObject): PodRecord {
  const meta = pod.metadata ?? {};
  const namespace = meta.namespace ?? '';
  return {
    key: `${namespace}/${meta.name ?? ''}`,
    namespace,
    labels: meta.labels ?? {},
    serviceAccount: pod.spec?.serviceAccountName ?? 'default',
    ips: addresses(pod.status).sort(),
    createdAt: Date.parse(meta.creationTimestamp ?? '') || 0,
    live: canHoldAddress(pod),
  };
}

/** How often ended holders are dropped: every this many changes. */
const PRUNE_EVERY = 500;

export function watchPods(
  client: KubeClient,
  options: {
    log: Pick<FastifyBaseLogger, 'debug'>;
    now?: () => number;
    timeoutSeconds?: number;
    retryMs?: number;
    keepEndedMs?: number;
  },
): PodWatch {
  const { log, timeoutSeconds, retryMs } = options;
  const now = options.now ?? Date.now;
  const index = createPodIndex({ keepEndedMs: options.keepEndedMs });
  let changes = 0;
  const apply = (change: CollectionChange<PodRecord>) => {
    const at = now();
    for (const key of change.removed) index.remove(key, at);
    for (const key of [...change.added, ...change.modified]) {
      const pod = change.items.get(key);
      if (pod) index.set(pod, at);
    }
    if (++changes % PRUNE_EVERY === 0) index.prune(at);
  };
  const watch = watchCollection<PodRecord>(
    client,
    {
      path: '/api/v1/pods',
      project: projectPod,
      key: (o) => (o.metadata?.name ? `${o.metadata.namespace ?? ''}/${o.metadata.name}` : undefined),
      what: 'pods',
      log,
      timeoutSeconds,
      retryMs,
    },
    apply,
  );
  return { index, ready: () => watch.current() !== null, stop: () => watch.stop() };
}
