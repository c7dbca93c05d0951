import type { Target } from './target.ts';

/** Computes desired state and applies nothing: for trying the console, or running the API only. */
export function createNoneTarget(): Target {
  return {
    name: 'none',
    observeReadiness: () => Promise.resolve('all'),
    apply: async (desired) => {
      await desired('all');
      return { objects: [], errors: [], readiness: 'all' };
    },
    inspect: () => Promise.resolve({ drift: [], gateways: [] }),
    clusterNamespaces: () => Promise.resolve(null),
  };
}
