// What the live gateway objects say, for the kubernetes target: which gateways have a ready pod (from a
// list or a watch of their Deployments) and which ClusterIPs their Services have (the DNS snippet's
// addresses).
import type { GatewayAddresses } from '@egress/manifests';
import type { FastifyBaseLogger } from 'fastify';

import type { KubeClient } from '../kube/client.ts';
import { GATEWAY_SELECTOR, gatewayDeploymentsPath } from '../kube/live-state.ts';
import { componentOf, type LiveObject } from '../kube/resources.ts';
import { type CollectionWatch, watchCollection, type WatchedObject } from '../kube/watch.ts';
import type { ObjectResult, Scope } from './target.ts';

export const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export function readyReplicas(d: Pick<LiveObject, 'status'> | undefined): number {
  return num(d?.status?.['readyReplicas']);
}

/** Ready (at least one ready pod) per gateway Deployment in the gateway namespace. */
export function readinessOf(deployments: Iterable<LiveObject>, scope: Scope): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const d of deployments) {
    if (
      d.kind === 'Deployment' &&
      componentOf(d) === 'gateway' &&
      d.metadata.namespace === scope.gatewayNamespace
    )
      out[d.metadata.name] = readyReplicas(d) > 0;
  }
  return out;
}

/** The ready gateways as one comparable string (sorted names). */
export function readySet(readiness: Record<string, boolean>): string {
  return Object.keys(readiness)
    .filter((name) => readiness[name])
    .sort()
    .join(',');
}

export const noLog = { debug: () => undefined };

/**
 * The readiness a run reports, less the gateways it deleted: the reconciler compares it with what the
 * readiness watch says next, and a gateway gone with its destination is no reason for another run.
 */
export function withoutDeleted(
  readiness: Record<string, boolean>,
  results: ObjectResult[],
  scope: Scope,
): Record<string, boolean> {
  const deleted = new Set(
    results
      .filter(
        (r) => r.kind === 'Deployment' && r.action === 'deleted' && r.namespace === scope.gatewayNamespace,
      )
      .map((r) => r.name),
  );
  return Object.fromEntries(Object.entries(readiness).filter(([name]) => !deleted.has(name)));
}

/**
 * A watch on the gateway Deployments of one namespace, keeping only whether each has a ready pod
 * (status.readyReplicas > 0; the status is why a metadata-only watch would not do). `onChange` is
 * called with the readiness once the first list is in and each time the set of ready gateways changes.
 */
export function watchGatewayReadiness(
  client: KubeClient,
  namespace: string,
  onChange: (readiness: Record<string, boolean>) => void,
  log: Pick<FastifyBaseLogger, 'debug'>,
): CollectionWatch<boolean> {
  let reported: string | null = null;
  return watchCollection<boolean>(
    client,
    {
      path: gatewayDeploymentsPath(namespace),
      labelSelector: GATEWAY_SELECTOR,
      project: (d: WatchedObject) => readyReplicas(d) > 0,
      what: `gateway deployments in ${namespace}`,
      log,
    },
    (change) => {
      const readiness = Object.fromEntries(change.items);
      const now = readySet(readiness);
      if (now === reported) return;
      reported = now;
      onChange(readiness);
    },
  );
}

function serviceAddresses(s: LiveObject): string[] {
  const ips = s.spec?.['clusterIPs'];
  const list = Array.isArray(ips) ? ips : [s.spec?.['clusterIP']];
  return list.filter((ip): ip is string => typeof ip === 'string' && ip !== '' && ip !== 'None');
}

/** The ClusterIPs (every family) of each of our gateway Services in the gateway namespace, by name. */
export function gatewayAddressesOf(objects: Iterable<LiveObject>, scope: Scope): GatewayAddresses {
  const out: Record<string, string[]> = {};
  for (const s of objects) {
    if (
      s.kind !== 'Service' ||
      componentOf(s) !== 'gateway' ||
      s.metadata.namespace !== scope.gatewayNamespace
    )
      continue;
    const ips = serviceAddresses(s);
    if (ips.length > 0) out[s.metadata.name] = ips;
  }
  return out;
}

/** Whether the DNS snippet would differ: the addresses of ready gateways (only those are steered). */
export function sameSteering(
  a: GatewayAddresses,
  b: GatewayAddresses,
  readiness: Record<string, boolean>,
): boolean {
  const steered = (x: GatewayAddresses) =>
    JSON.stringify(
      Object.entries(x)
        .filter(([name]) => readiness[name] === true)
        .sort(),
    );
  return steered(a) === steered(b);
}
