import type { KubernetesObject } from '../src/index.ts';

export function find(
  objects: readonly KubernetesObject[],
  kind: string,
  namespace: string,
  name: string,
): KubernetesObject {
  const found = objects.find(
    (o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name,
  );
  if (!found) throw new Error(`no ${kind} ${namespace}/${name} in the output`);
  return found;
}

export function ofKind(objects: readonly KubernetesObject[], kind: string): KubernetesObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** A nested value by path, for reading object fields in tests without a cast at every step. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export interface PolicyPeer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: { matchLabels?: Record<string, string> };
}

export interface PolicyRule {
  to?: PolicyPeer[];
  from?: PolicyPeer[];
  ports?: { port: number; protocol: string }[];
}

export interface PolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

export function policySpec(policy: KubernetesObject): PolicySpec {
  return policy.spec as PolicySpec;
}
