// What the compiler takes from the target rather than the database: gateway readiness and addresses, and
// the cluster's namespaces. Shared by the reconcile routes (manifests, status) and explain, which must
// compile the same input the reconciler does.
import type { CompilerInput } from '@egress/manifests';
import type { FastifyBaseLogger } from 'fastify';

import { type CompilerSnapshot, scopeOf } from './desired-state.ts';
import { ClusterUnreachableError } from './kube/client.ts';
import { RunFailure } from './kube/live-state.ts';
import type { Target } from './targets/target.ts';

/** The part of the compiler's input read from the target rather than the database. */
export type Observations = Pick<CompilerInput, 'readiness' | 'gatewayAddresses' | 'cluster'>;

/** Our own sentences pass through; anything else (a bug, a library error) is logged, not shown. */
export function readable(error: unknown, log: FastifyBaseLogger): string {
  if (error instanceof ClusterUnreachableError || error instanceof RunFailure) return error.message;
  log.error({ err: error }, 'reading the live state failed');
  return 'the live state could not be read (see the server log)';
}

/**
 * Observes the target for this snapshot. The kubernetes target's DNS snippet maps names to the gateway
 * Services' ClusterIPs; unknown addresses (cluster unreachable) steer nothing, like unknown readiness.
 * Mode "all" needs the cluster's namespaces; unreachable, the input says so by having none. All read at once.
 */
export async function observeTarget(
  target: Target,
  snapshot: CompilerSnapshot,
  log: FastifyBaseLogger,
): Promise<Observations> {
  const scope = scopeOf(snapshot.settings);
  const [readiness, gatewayAddresses, cluster] = await Promise.all([
    target.observeReadiness(scope).catch((error: unknown) => {
      log.warn({ reason: readable(error, log) }, 'gateway readiness unknown; rendering without DNS steering');
      return {};
    }),
    target.observeAddresses?.(scope).catch(() => ({})),
    target.clusterNamespaces().catch((error: unknown) => {
      log.warn(
        { reason: readable(error, log) },
        'cluster namespaces unknown; rendering with the namespaces the settings name',
      );
      return null;
    }),
  ]);
  return { readiness, cluster, ...(gatewayAddresses ? { gatewayAddresses } : {}) };
}
