// Pod identity: a bound service's access belongs to pods that run as its ServiceAccount, not to any pod
// that wears its labels. NetworkPolicy can only select pods by label, so the labels are made
// trustworthy at admission: per namespace holding a bound service, one ValidatingAdmissionPolicy and
// its binding refuse a Pod (CREATE or UPDATE, also through pods/status, which can change labels) whose
// labels match a bound service's selector unless spec.serviceAccountName is that service's
// ServiceAccount. One policy per namespace keeps each object readable on its own (every rule names its
// service) and needs no parameter resources; the CEL is plain string literals from validated input.
import { compareKeys, sortedRecord } from './canonical.ts';
import { baseLabels, type Keys } from './meta.ts';
import { podIdentityPolicyName } from './names.ts';
import type { CompilerService, KubernetesObject } from './types.ts';

const API_VERSION = 'admissionregistration.k8s.io/v1';
const COMPONENT = 'pod-identity';

/** A bound service: one with a ServiceAccount. */
type Bound = CompilerService & { serviceAccount: string };

const isBound = (s: CompilerService): s is Bound =>
  typeof s.serviceAccount === 'string' && s.serviceAccount !== '';

/**
 * A CEL string literal. The inputs are label keys, label values and DNS names (validated upstream, none
 * holds a quote or backslash), but JSON's escaping is also valid CEL, so nothing can break out.
 */
const cel = (s: string): string => JSON.stringify(s);

/**
 * True when the pod's labels include every label of the selector (a NetworkPolicy podSelector's
 * matchLabels semantics: extra labels on the pod still match). A pod without labels matches nothing.
 */
function selectorMatches(matchLabels: Record<string, string>): string {
  const terms = Object.keys(matchLabels)
    .sort(compareKeys)
    .map(
      (k) =>
        `(${cel(k)} in object.metadata.labels && object.metadata.labels[${cel(k)}] == ${cel(matchLabels[k] ?? '')})`,
    );
  return ['has(object.metadata.labels)', ...terms].join(' && ');
}

/**
 * The ServiceAccount the pod will run as. An empty or missing spec.serviceAccountName means "default"
 * (what the ServiceAccount admission plugin fills in; where it is disabled, what the kubelet uses).
 * The deprecated spec.serviceAccount is copied into serviceAccountName by the API server's conversion
 * before validating admission runs.
 */
const POD_SERVICE_ACCOUNT =
  "has(object.spec.serviceAccountName) && object.spec.serviceAccountName != '' ? object.spec.serviceAccountName : 'default'";

function selectorText(matchLabels: Record<string, string>): string {
  return Object.keys(matchLabels)
    .sort(compareKeys)
    .map((k) => `${k}=${matchLabels[k] ?? ''}`)
    .join(',');
}

function validation(s: Bound): Record<string, string> {
  return {
    expression: `!(${selectorMatches(s.selector.matchLabels)}) || variables.serviceAccount == ${cel(s.serviceAccount)}`,
    message: `pods labelled ${selectorText(s.selector.matchLabels)} in namespace ${s.namespace} hold the egress access of service ${s.name}; they must run as ServiceAccount ${s.serviceAccount}`,
    reason: 'Forbidden',
  };
}

function policy(namespace: string, services: readonly Bound[], keys: Keys): KubernetesObject {
  return {
    apiVersion: API_VERSION,
    kind: 'ValidatingAdmissionPolicy',
    metadata: clusterMeta(podIdentityPolicyName(namespace), namespace, services, keys),
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: [''],
            apiVersions: ['v1'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['pods', 'pods/status'],
            scope: 'Namespaced',
          },
        ],
      },
      variables: [{ name: 'serviceAccount', expression: POD_SERVICE_ACCOUNT }],
      validations: services.map(validation),
    },
  };
}

function binding(namespace: string, services: readonly Bound[], keys: Keys): KubernetesObject {
  const name = podIdentityPolicyName(namespace);
  return {
    apiVersion: API_VERSION,
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: clusterMeta(name, namespace, services, keys),
    spec: {
      policyName: name,
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } },
    },
  };
}

/** Cluster-scoped: no metadata.namespace; the namespace it guards is a label, the services an annotation. */
function clusterMeta(name: string, namespace: string, services: readonly Bound[], keys: Keys) {
  return {
    name,
    labels: sortedRecord({ ...baseLabels('egress-control', COMPONENT), [keys.namespace]: namespace }),
    annotations: sortedRecord({ [keys.service]: services.map((s) => s.name).join(',') }),
  };
}

/**
 * The policy and binding of every namespace that holds a bound service, namespaces in code-unit
 * order and rules by service name (the caller sorts the objects; the rule order is ours to fix).
 */
export function podIdentityObjects(services: readonly CompilerService[], keys: Keys): KubernetesObject[] {
  const byNamespace = new Map<string, Bound[]>();
  for (const s of services) {
    if (!isBound(s)) continue;
    const list = byNamespace.get(s.namespace);
    if (list) list.push(s);
    else byNamespace.set(s.namespace, [s]);
  }
  const objects: KubernetesObject[] = [];
  for (const namespace of [...byNamespace.keys()].sort(compareKeys)) {
    const bound = (byNamespace.get(namespace) ?? []).sort(
      (a, b) => compareKeys(a.name, b.name) || compareKeys(a.id, b.id),
    );
    objects.push(policy(namespace, bound, keys), binding(namespace, bound, keys));
  }
  return objects;
}
