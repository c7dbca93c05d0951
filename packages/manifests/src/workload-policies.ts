// Policies in workload namespaces: the default-deny-internet baseline and the port-wide grants.
import type { Settings } from '@egress/shared';

import { sortedRecord } from './canonical.ts';
import { baseLabels, type Keys, objectMeta } from './meta.ts';
import { DEFAULT_DENY_NAME, portPolicyName } from './names.ts';
import { clusterRanges, type IpBlockPeer, ipBlocks } from './public-addresses.ts';
import type { CompilerService, KubernetesObject } from './types.ts';

/**
 * The baseline of an enforced namespace. Selecting every pod for Egress isolates them; the rules then
 * allow what must keep working, and nothing on the internet:
 * - every pod of the cluster (any namespace, any port), which includes the egress gateways;
 * - cluster DNS: kube-system pods labelled k8s-app=kube-dns on 53/UDP+TCP (already covered by the
 *   first rule; kept explicit so narrowing that rule never breaks name resolution);
 * - the pod, service and internal ranges of the settings (nodes, the API server endpoint, a node-local
 *   DNS cache), which pod selectors cannot name.
 * Allowed egress is the union of every policy selecting a pod, so a port-wide grant adds to this.
 */
export function defaultDenyPolicy(namespace: string, settings: Settings): KubernetesObject {
  const egress: unknown[] = [
    { to: [{ namespaceSelector: {} }] },
    {
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { port: 53, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ],
    },
  ];
  const internal = ipBlocks(clusterRanges(settings));
  if (internal.length > 0) egress.push({ to: internal });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(DEFAULT_DENY_NAME, namespace, baseLabels('egress-control', 'default-deny')),
    spec: { podSelector: {}, policyTypes: ['Egress'], egress },
  };
}

/** A port-wide grant: the service's pods may reach public addresses on one TCP port. */
export function portWidePolicy(
  service: CompilerService,
  port: number,
  keys: Keys,
  publicBlocks: readonly IpBlockPeer[],
): KubernetesObject {
  const labels = { ...baseLabels('egress-control', 'port-grant'), [keys.port]: String(port) };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(portPolicyName(service.name, port), service.namespace, labels, {
      [keys.service]: service.name,
    }),
    spec: {
      podSelector: { matchLabels: sortedRecord(service.selector.matchLabels) },
      policyTypes: ['Egress'],
      egress: [{ to: publicBlocks, ports: [{ port, protocol: 'TCP' }] }],
    },
  };
}
