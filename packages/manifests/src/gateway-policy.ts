import { canonicalJson, compareKeys, shareCanonical, sortedRecord } from './canonical.ts';
import { internalPorts, sortedPorts } from './envoy.ts';
import { type GatewayContext, gatewayMeta, gatewayPodSelector } from './gateway.ts';
import type { IpBlockPeer } from './public-addresses.ts';
import type { CompilerDestination, CompilerService, KubernetesObject, Protocol } from './types.ts';

export interface PolicyPort {
  port: number;
  protocol: Protocol;
}

/** A granted service as a NetworkPolicy peer, built once per compile and shared by every gateway it uses. */
export interface ServicePeer {
  peer: Readonly<Record<string, unknown>>;
  /** Namespace, then the peer's canonical JSON (built in a fixed key order with sorted labels, so stable). */
  sortKey: string;
  /** Position of `sortKey` among all peers of the compile (equal keys, equal rank): see `rankPeers`. */
  rank: number;
}

/** Who may use a gateway: a granted service and the granted port numbers. */
export interface GatewayClient {
  peer: ServicePeer;
  ports: ReadonlySet<number>;
}

const DNS_PORTS: readonly PolicyPort[] = shareCanonical([
  { port: 53, protocol: 'TCP' },
  { port: 53, protocol: 'UDP' },
]);

/** The NetworkPolicy peer for a service's pods: its namespace (by the immutable name label) and selector. */
export function servicePeer(service: CompilerService): ServicePeer {
  const peer = shareCanonical({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': service.namespace } },
    podSelector: { matchLabels: sortedRecord(service.selector.matchLabels) },
  });
  return { peer, sortKey: `${service.namespace}\u0000${canonicalJson(peer)}`, rank: 0 };
}

/**
 * Numbers the peers in `sortKey` order (code units), equal keys alike, so each gateway sorts its rules
 * by a number instead of comparing long strings. A sort key is never a proper prefix of another (a
 * namespace has no NUL, and a JSON object ends where its braces close), so ordering by rank and then by
 * the rule's ports gives the order of the joined strings.
 */
export function rankPeers(peers: Iterable<ServicePeer>): void {
  const sorted = [...peers].sort((a, b) => compareKeys(a.sortKey, b.sortKey));
  let rank = 0;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i] as ServicePeer;
    if (i > 0 && p.sortKey !== (sorted[i - 1] as ServicePeer).sortKey) rank++;
    p.rank = rank;
  }
}

interface IngressRule {
  rank: number;
  portsKey: string;
  rule: unknown;
}

/**
 * Ingress rules: one per granted service, with the granted port numbers the destination serves (both
 * protocols when it serves a number over TCP and UDP). A grant for a port the destination no longer
 * lists opens nothing. Sorted by namespace, then selector; identical rules appear once.
 */
function ingressRules(d: CompilerDestination, clients: readonly GatewayClient[]): unknown[] {
  const served = sortedPorts(d.ports);
  // The port lists of a gateway's rules are a few subsets of its ports: build each once, shared.
  const portLists = new Map<string, PolicyPort[]>();
  const rules = new Map<string, IngressRule>();
  for (const client of clients) {
    const ports = served.filter((p) => client.ports.has(p.port));
    if (ports.length === 0) continue;
    const portsKey = ports.map((p) => `${p.port}/${p.protocol}`).join(',');
    let shared = portLists.get(portsKey);
    if (!shared) portLists.set(portsKey, (shared = shareCanonical(ports)));
    rules.set(`${client.peer.rank}\u0000${portsKey}`, {
      rank: client.peer.rank,
      portsKey,
      rule: { from: [client.peer.peer], ports: shared },
    });
  }
  return [...rules.values()]
    .sort((a, b) => a.rank - b.rank || compareKeys(a.portsKey, b.portsKey))
    .map((r) => r.rule);
}

/**
 * The metrics port, open to every pod of the namespaces labelled `<label domain>/metrics-scraper: "true"`
 * (where Prometheus runs; none by default). Only that one port: a scraper never reaches a destination
 * port, and a granted service never reaches the metrics port (its rules name the granted ports only).
 */
function metricsRule(d: CompilerDestination, ctx: GatewayContext): unknown {
  return {
    from: [{ namespaceSelector: { matchLabels: { [ctx.keys.metricsScraper]: 'true' } } }],
    ports: [{ port: internalPorts(d.ports).metrics, protocol: 'TCP' }],
  };
}

/** Every pod of every namespace of the cluster (not addresses outside it: no ipBlock), for observe mode. */
const ALL_CLUSTER_PODS: readonly unknown[] = shareCanonical([{ namespaceSelector: {} }]);

/**
 * Observe mode: one rule admitting every pod of the cluster on every destination port (it subsumes the
 * granted services' rules, so they are not listed). A destination without ports gets no rule: a rule
 * without ports would open every port, the metrics and admin ports included.
 */
function observeRules(d: CompilerDestination): unknown[] {
  const ports = sortedPorts(d.ports);
  return ports.length > 0 ? [{ from: ALL_CLUSTER_PODS, ports }] : [];
}

/**
 * The gateway's NetworkPolicy. Ingress: the pods of services holding an active grant, on the granted
 * ports (in observe mode: every pod of the cluster on the destination's ports, observeRules), then the
 * metrics rule (metricsRule); no grants leaves only the metrics rule, so no client gets in (the kubelet's
 * probes from the node are always allowed by NetworkPolicy semantics). Egress: public addresses on the
 * destination's ports, and the configured resolver on 53/UDP+TCP (the gateways use `dnsPolicy: Default`,
 * never cluster DNS). The mode changes the ingress only.
 */
export function gatewayNetworkPolicy(
  d: CompilerDestination,
  ctx: GatewayContext,
  clients: readonly GatewayClient[],
  publicBlocks: readonly IpBlockPeer[],
): KubernetesObject {
  const ports = sortedPorts(d.ports);
  // A rule without ports would allow every port: a destination without ports (refused by the API) gets none.
  const egress: unknown[] = ports.length > 0 ? [{ to: publicBlocks, ports }] : [];
  const resolver = ctx.resolverBlocks;
  if (resolver.length > 0) egress.push({ to: resolver, ports: DNS_PORTS });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: gatewayMeta(d, ctx),
    spec: {
      podSelector: { matchLabels: gatewayPodSelector(d.gatewayName) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [...(d.mode === 'observe' ? observeRules(d) : ingressRules(d, clients)), metricsRule(d, ctx)],
      egress,
    },
  };
}
