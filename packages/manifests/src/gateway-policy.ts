import { compareKeys, shareCanonical, sortedRecord } from './canonical.ts';
import { sortedPorts } from './envoy.ts';
import { gatewayMeta, gatewayPodSelector, type GatewayContext } from './gateway.ts';
import { ipBlocks, type IpBlockPeer } from './public-addresses.ts';
import type { CompilerDestination, CompilerService, KubernetesObject, Protocol } from './types.ts';

export interface PolicyPort {
  port: number;
  protocol: Protocol;
}

/** A granted service as a NetworkPolicy peer, built once per compile and shared by every gateway it uses. */
export interface ServicePeer {
  peer: Readonly<Record<string, unknown>>;
  /** Namespace, then the peer's JSON (built in a fixed key order with sorted labels, so stable). */
  sortKey: string;
}

/** Who may use a gateway: a granted service and the granted port numbers. */
export interface GatewayClient {
  peer: ServicePeer;
  ports: ReadonlySet<number>;
}

const DNS_PORTS: PolicyPort[] = [
  { port: 53, protocol: 'TCP' },
  { port: 53, protocol: 'UDP' },
];

/** The NetworkPolicy peer for a service's pods: its namespace (by the immutable name label) and selector. */
export function servicePeer(service: CompilerService): ServicePeer {
  const peer = shareCanonical({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': service.namespace } },
    podSelector: { matchLabels: sortedRecord(service.selector.matchLabels) },
  });
  return { peer, sortKey: `${service.namespace}\u0000${JSON.stringify(peer)}` };
}

/**
 * Ingress rules: one per granted service, with the granted port numbers the destination serves (both
 * protocols when it serves a number over TCP and UDP). A grant for a port the destination no longer
 * lists opens nothing. Sorted by namespace, then selector; identical rules appear once.
 */
function ingressRules(d: CompilerDestination, clients: readonly GatewayClient[]): unknown[] {
  const served = sortedPorts(d.ports);
  const rules = new Map<string, unknown>();
  for (const client of clients) {
    const ports = served.filter((p) => client.ports.has(p.port));
    if (ports.length === 0) continue;
    const sortKey = `${client.peer.sortKey}\u0000${ports.map((p) => `${p.port}/${p.protocol}`).join(',')}`;
    rules.set(sortKey, { from: [client.peer.peer], ports });
  }
  return [...rules.keys()].sort(compareKeys).map((k) => rules.get(k));
}

/**
 * The gateway's NetworkPolicy. Ingress: only the pods of services holding an active grant, on the granted
 * ports; no grants means an empty list, which denies all ingress (the kubelet's probes from the node are
 * always allowed by NetworkPolicy semantics). Egress: public addresses on the destination's ports, and
 * the configured resolver on 53/UDP+TCP (the gateways use `dnsPolicy: Default`, never cluster DNS).
 */
export function gatewayNetworkPolicy(
  d: CompilerDestination,
  ctx: GatewayContext,
  clients: readonly GatewayClient[],
  publicBlocks: readonly IpBlockPeer[],
): KubernetesObject {
  const egress: unknown[] = [{ to: publicBlocks, ports: sortedPorts(d.ports) }];
  const resolver = ipBlocks(ctx.settings.gatewayResolver.cidrs);
  if (resolver.length > 0) egress.push({ to: resolver, ports: DNS_PORTS });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: gatewayMeta(d, ctx),
    spec: {
      podSelector: { matchLabels: gatewayPodSelector(d.gatewayName) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: ingressRules(d, clients),
      egress,
    },
  };
}
