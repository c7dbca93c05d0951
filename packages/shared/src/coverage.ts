// Which namespaces get the default-deny-internet policy, and why: one pure function that the compiler
// (what is written) and GET /api/v1/coverage (what is shown) both use, so the two never disagree.
import type { Settings } from './schemas/settings.ts';

/**
 * Why a namespace is or is not enforced.
 * - listed: mode "listed", in enforcedNamespaces (enforced)
 * - notListed: mode "listed", not in the list (open)
 * - allNamespaces: mode "all", not excluded (enforced)
 * - excluded: mode "all", in excludedNamespaces (open)
 * - gatewayNamespace: mode "all", the gateways' namespace: they reach the destinations (open)
 * - productNamespace: mode "all", where egress control runs: it calls the identity provider and
 *   webhook receivers (open)
 */
export const COVERAGE_REASONS = [
  'listed',
  'notListed',
  'allNamespaces',
  'excluded',
  'gatewayNamespace',
  'productNamespace',
] as const;
export type CoverageReason = (typeof COVERAGE_REASONS)[number];

export interface NamespaceVerdict {
  namespace: string;
  enforced: boolean;
  reason: CoverageReason;
}

export interface CoverageContext {
  /** The namespace egress control itself runs in, when known (the kubernetes target, in a pod). */
  productNamespace: string | null;
}

/** The verdict for one namespace under the settings. */
export function verdictFor(settings: Settings, namespace: string, ctx: CoverageContext): NamespaceVerdict {
  const verdict = (enforced: boolean, reason: CoverageReason) => ({ namespace, enforced, reason });
  if (settings.enforcementMode === 'listed') {
    return settings.enforcedNamespaces.includes(namespace)
      ? verdict(true, 'listed')
      : verdict(false, 'notListed');
  }
  if (namespace === settings.gatewayNamespace) return verdict(false, 'gatewayNamespace');
  if (namespace === ctx.productNamespace) return verdict(false, 'productNamespace');
  if (settings.excludedNamespaces.includes(namespace)) return verdict(false, 'excluded');
  return verdict(true, 'allNamespaces');
}

/**
 * The namespaces that get the default-deny policy, sorted. Mode "listed": exactly the list, whether or
 * not the namespaces exist (the reconciler creates missing ones, as before). Mode "all": every namespace
 * in `known` that is not left open. `known` is the cluster's namespaces when the target can list them;
 * otherwise (directory and none targets) the namespaces egress control knows of by itself.
 */
export function enforcedNamespaces(
  settings: Settings,
  known: readonly string[],
  ctx: CoverageContext,
): string[] {
  const candidates = settings.enforcementMode === 'listed' ? settings.enforcedNamespaces : known;
  return [...new Set(candidates)].filter((ns) => verdictFor(settings, ns, ctx).enforced).sort();
}

/**
 * Without a cluster to list: the namespaces the settings and the registered services name. In mode
 * "all" these are the namespaces whose workloads egress control can know about.
 */
export function namespacesKnownWithoutCluster(
  settings: Settings,
  serviceNamespaces: readonly string[],
): string[] {
  const named = [
    settings.gatewayNamespace,
    ...settings.enforcedNamespaces,
    ...settings.excludedNamespaces,
    ...serviceNamespaces,
  ];
  return [...new Set(named)].sort();
}
