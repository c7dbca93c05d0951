import {
  type Coverage,
  COVERAGE_REASON_TEXT,
  namespacesKnownWithoutCluster,
  verdictFor,
} from '@egress/shared';
import type { FastifyBaseLogger } from 'fastify';

import type { Target } from '../../reconcile/targets/target.ts';
import type { CoverageRepository } from './coverage.repository.ts';

const NO_CLUSTER: Record<Target['name'], string> = {
  kubernetes: '',
  directory:
    'The directory target writes files and has no cluster to list: these are the namespaces the settings and the registered services name. Namespaces that only exist in the cluster are not shown.',
  none: 'The none target has no cluster to list: these are the namespaces the settings and the registered services name.',
};

/**
 * Which namespaces are enforced and why, from the same function the compiler uses (verdictFor), over
 * the cluster's namespaces as listed now; over the namespaces the settings name when there is no
 * cluster to list (or it cannot be reached), and then the answer says so.
 */
export function createCoverageService({
  repo,
  target,
  log,
}: {
  repo: CoverageRepository;
  target: Target;
  log: FastifyBaseLogger;
}) {
  async function cluster(): Promise<{ namespaces: string[]; productNamespace: string | null } | string> {
    try {
      return (await target.clusterNamespaces()) ?? NO_CLUSTER[target.name];
    } catch (error) {
      log.warn({ err: error }, 'coverage: the cluster could not be listed');
      const reason = error instanceof Error ? error.message : String(error);
      return `The cluster's namespaces could not be listed (${reason}): these are the namespaces the settings and the registered services name.`;
    }
  }

  return {
    async coverage(): Promise<Coverage> {
      const [settings, services, listed] = await Promise.all([repo.settings(), repo.services(), cluster()]);
      const fromCluster = typeof listed !== 'string';
      const names = fromCluster
        ? listed.namespaces
        : namespacesKnownWithoutCluster(
            settings,
            services.map((s) => s.namespace),
          );
      const ctx = { productNamespace: fromCluster ? listed.productNamespace : null };
      const namespaces = [...new Set(names)].sort().map((namespace) => {
        const verdict = verdictFor(settings, namespace, ctx);
        return {
          ...verdict,
          reasonText: COVERAGE_REASON_TEXT[verdict.reason],
          services: services
            .filter((s) => s.namespace === namespace)
            .map((s) => ({ id: s.id, name: s.name })),
        };
      });
      return {
        mode: settings.enforcementMode,
        source: fromCluster ? 'cluster' : 'settings',
        note: fromCluster ? null : listed,
        enforced: namespaces.filter((n) => n.enforced).length,
        total: namespaces.length,
        namespaces,
      };
    },
  };
}

export type CoverageService = ReturnType<typeof createCoverageService>;
