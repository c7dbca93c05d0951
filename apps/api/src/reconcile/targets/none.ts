import type { Target } from './target.ts';

/** Computes desired state and applies nothing: for trying the console, or running the API only. */
export function createNoneTarget(): Target {
  return {
    name: 'none',
    observeReadiness: () => Promise.resolve('all'),
    apply: () => Promise.resolve({ objects: [], errors: [] }),
    inspect: () => Promise.resolve({ drift: [], gateways: [] }),
  };
}
