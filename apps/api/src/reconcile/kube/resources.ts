// The kinds the compiler emits, where they live in the API, and the order they are written in.
import type { KubernetesObject } from '@egress/manifests';

export const FIELD_MANAGER = 'egress-control';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${FIELD_MANAGER}`;
const COMPONENT_LABEL = 'app.kubernetes.io/component';

export interface KindInfo {
  kind: string;
  apiVersion: string;
  /** Resource name in the URL (and in RBAC rules). */
  plural: string;
  /** Cluster-scoped kinds (the pod-identity admission policies) have no namespace in their paths. */
  clusterScoped?: boolean;
}

/** Every kind the reconciler writes, lists and prunes (the Helm chart's ClusterRole names the same). */
export const KINDS: readonly KindInfo[] = [
  { kind: 'ConfigMap', apiVersion: 'v1', plural: 'configmaps' },
  { kind: 'Service', apiVersion: 'v1', plural: 'services' },
  { kind: 'Deployment', apiVersion: 'apps/v1', plural: 'deployments' },
  { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', plural: 'horizontalpodautoscalers' },
  { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1', plural: 'poddisruptionbudgets' },
  { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', plural: 'networkpolicies' },
  {
    kind: 'ValidatingAdmissionPolicy',
    apiVersion: 'admissionregistration.k8s.io/v1',
    plural: 'validatingadmissionpolicies',
    clusterScoped: true,
  },
  {
    kind: 'ValidatingAdmissionPolicyBinding',
    apiVersion: 'admissionregistration.k8s.io/v1',
    plural: 'validatingadmissionpolicybindings',
    clusterScoped: true,
  },
];

const BY_KIND = new Map(KINDS.map((k) => [k.kind, k]));

export function kindInfo(kind: string): KindInfo | undefined {
  return BY_KIND.get(kind);
}

function groupPrefix(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** Collection path, across all namespaces when `namespace` is omitted. */
export function collectionPath(info: KindInfo, namespace?: string): string {
  const ns = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${groupPrefix(info.apiVersion)}${ns}/${info.plural}`;
}

/** An object's path; `namespace` is undefined exactly for cluster-scoped kinds. */
export function objectPath(info: KindInfo, namespace: string | undefined, name: string): string {
  return `${collectionPath(info, namespace)}/${encodeURIComponent(name)}`;
}

export function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export function objectKey(o: { kind: string; metadata: { namespace?: string; name: string } }): string {
  return keyOf(o.kind, o.metadata.namespace, o.metadata.name);
}

export function componentOf(o: { metadata: { labels?: Record<string, string> } }): string | undefined {
  return o.metadata.labels?.[COMPONENT_LABEL];
}

export interface Stage {
  name: string;
  /** Gateway stages are held back on removal until DNS no longer points at the gateway. */
  role: 'gateway' | 'policy' | 'dns';
  matches(o: { kind: string; metadata: { labels?: Record<string, string> } }): boolean;
}

const gatewayStage = (kind: string): Stage => ({
  name: `gateway ${kind}`,
  role: 'gateway',
  matches: (o) => componentOf(o) === 'gateway' && o.kind === kind,
});

const identityStage = (kind: string): Stage => ({
  name: `pod identity ${kind}`,
  role: 'policy',
  matches: (o) => componentOf(o) === 'pod-identity' && o.kind === kind,
});

/**
 * Pod identity first: a service's ServiceAccount is enforced at admission before any policy admits its
 * pods, and on removal it goes last. The policy precedes the binding that names it.
 *
 * docs/design.md §2: gateways first, then access policies, then DNS; removal in the reverse order.
 * Within a gateway its NetworkPolicy goes first, so a new gateway's pods are never reachable from
 * every pod (no policy selects a pod: all traffic allowed) and never reach beyond the destination;
 * the ConfigMap precedes the Deployment that mounts it. Objects that are neither gateway nor DNS
 * (default-deny and port-wide policies, and anything the compiler adds later) are access policies.
 */
export const APPLY_STAGES: readonly Stage[] = [
  identityStage('ValidatingAdmissionPolicy'),
  identityStage('ValidatingAdmissionPolicyBinding'),
  gatewayStage('NetworkPolicy'),
  gatewayStage('ConfigMap'),
  gatewayStage('Service'),
  gatewayStage('Deployment'),
  gatewayStage('HorizontalPodAutoscaler'),
  gatewayStage('PodDisruptionBudget'),
  {
    name: 'access policies',
    role: 'policy',
    matches: (o) => !['gateway', 'dns-rewrite', 'pod-identity'].includes(componentOf(o) ?? ''),
  },
  { name: 'DNS rewrites', role: 'dns', matches: (o) => componentOf(o) === 'dns-rewrite' },
];

export const DELETE_STAGES: readonly Stage[] = [...APPLY_STAGES].reverse();

export function stageOf(o: KubernetesObject | LiveObject): Stage | undefined {
  return APPLY_STAGES.find((s) => s.matches(o));
}

/** A live object as the API returns it (list items carry no kind: the lister adds it). */
export interface LiveObject {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: ManagedFieldsEntry[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
}
