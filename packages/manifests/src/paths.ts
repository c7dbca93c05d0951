import type { KubernetesObject } from './types.ts';

/**
 * The stable file path of an object in a GitOps folder: `<namespace or _cluster>/<kind>-<name>.yaml`.
 * Shared by the API's directory target and `egressctl render --out`, so both lay files out alike.
 */
export function pathFor(o: KubernetesObject): string {
  return `${o.metadata.namespace ?? '_cluster'}/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`;
}
