// "Can this service reach that host?": what the compiled NetworkPolicies say about a (service, host,
// port, protocol), read from the compiler's own input and output. Pure: no cluster, no clock. An
// independent engine (the harness's netpol-oracle, over cyclonus) checks these answers in the API's
// property test; this file must never depend on it.
import { parseCidr, type ParsedCidr } from '@egress/shared';

import { isReady } from './dns.ts';
import { gatewayPodSelector } from './gateway.ts';
import type { CompilerDestination, CompilerInput, KubernetesObject, Protocol } from './types.ts';

/** The label Kubernetes puts on every namespace (immutable): all a compiled namespaceSelector matches. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A documentation address (TEST-NET-3) that no compiled exception covers: "some public address". */
export const DEFAULT_PUBLIC_IP = '203.0.113.10';

/** One end of a connection: a pod of the cluster (namespace and labels; its IP if known) or an address. */
export type Endpoint =
  | { kind: 'pod'; namespace: string; labels: Readonly<Record<string, string>>; ip?: string }
  | { kind: 'address'; ip: string };

/** One direction of NetworkPolicy evaluation: the source's egress, or the destination's ingress. */
export interface DirectionVerdict {
  allowed: boolean;
  /** Some policy selects this end for this direction; when none does, everything is allowed. */
  isolated: boolean;
  /** "namespace/name" of the selecting policies that allow the traffic, and of those that do not. */
  allowedBy: string[];
  deniedBy: string[];
}

/** A connection is allowed when the source's egress AND the destination's ingress allow it. */
export interface PathVerdict {
  allowed: boolean;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
}

export type ReachabilityVerdict = 'allowed' | 'denied' | 'open';

export interface Reachability {
  verdict: ReachabilityVerdict;
  /** What admits the traffic: its gateway, a port-wide grant, or nothing (the pods are not isolated). */
  route: 'gateway' | 'port-wide' | 'unisolated' | null;
  service: { id: string; name: string; namespace: string };
  /** The destination named `host`, if there is one. */
  destination: { id: string; host: string; gatewayName: string } | null;
  /** Its gateway is ready, so cluster DNS answers the host's name with the gateway. */
  steered: boolean;
  /** Client pod → the destination's gateway pod on the port (null without a destination). */
  toGateway: PathVerdict | null;
  /** Gateway pod → a public address on the port: the gateway's own egress (null without a destination). */
  upstream: PathVerdict | null;
  /** Client pod → a public address on the port, not through any gateway. */
  direct: PathVerdict;
}

export interface ReachabilityQuery {
  serviceId: string;
  /** Normalised host, compared with the destinations' hosts as is. */
  host: string;
  port: number;
  protocol: Protocol;
}

export interface ReachabilityOptions {
  /** The public address the direct path and the gateway's upstream go to (default DEFAULT_PUBLIC_IP). */
  publicIp?: string;
  /** A gateway pod's IP, for ipBlock rules that would name pod addresses (none unless given). */
  gatewayPodIp?: string;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}
interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyPort {
  port?: number | string;
  endPort?: number;
  protocol?: string;
}
interface PolicyRule {
  to?: PolicyPeer[];
  from?: PolicyPeer[];
  ports?: PolicyPort[];
}
interface PolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

/** The NetworkPolicies among compiled objects, with the compiled namespace of each. */
export interface CompiledPolicy {
  id: string;
  namespace: string;
  spec: PolicySpec;
}

export function networkPolicies(objects: readonly KubernetesObject[]): CompiledPolicy[] {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => {
      const namespace = o.metadata.namespace;
      if (namespace === undefined) throw new Error(`NetworkPolicy ${o.metadata.name} has no namespace`);
      return { id: `${namespace}/${o.metadata.name}`, namespace, spec: o.spec as PolicySpec };
    });
}

function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  // The compiler writes matchLabels only; an expression would need the full selector language.
  if (selector?.matchExpressions?.length) throw new Error('matchExpressions are not supported');
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function ipBytes(ip: string): ParsedCidr {
  const result = parseCidr(`${ip}/${ip.includes(':') ? 128 : 32}`);
  if (!result.ok) throw new Error(`"${ip}" is not an IP address: ${result.error}`);
  return result.value;
}

function inCidr(ip: ParsedCidr, cidrText: string): boolean {
  const result = parseCidr(cidrText);
  if (!result.ok) throw new Error(`invalid CIDR "${cidrText}" in a NetworkPolicy: ${result.error}`);
  const cidr = result.value;
  if (cidr.family !== ip.family) return false;
  for (let bit = 0; bit < cidr.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    const i = Math.floor(bit / 8);
    if (((ip.bytes[i] ?? 0) & mask) !== ((cidr.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * Whether a peer of a policy in `policyNamespace` names `end`. A pod or namespace selector names pods
 * only (without namespaceSelector: pods of the policy's namespace); an ipBlock names addresses, and
 * names a pod only by its IP if given (Kubernetes leaves ipBlock on pod IPs to the implementation; the
 * compiled blocks exclude the pod ranges, so no verdict depends on it).
 */
function peerMatches(peer: PolicyPeer, policyNamespace: string, end: Endpoint): boolean {
  if (peer.ipBlock) {
    if (end.ip === undefined) return false;
    const ip = ipBytes(end.ip);
    return inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(ip, c));
  }
  if (end.kind !== 'pod') return false;
  if (peer.namespaceSelector === undefined) {
    if (end.namespace !== policyNamespace) return false;
  } else if (!selects(peer.namespaceSelector, { [NAMESPACE_NAME_LABEL]: end.namespace })) return false;
  return selects(peer.podSelector, end.labels);
}

function portMatches(ports: readonly PolicyPort[] | undefined, port: number, protocol: Protocol): boolean {
  // No ports: every port and protocol. A port without protocol is TCP; without number, every number.
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') throw new Error('named ports are not supported');
    return p.endPort === undefined ? p.port === port : p.port <= port && port <= p.endPort;
  });
}

function ruleAllows(
  rule: PolicyRule,
  peers: PolicyPeer[] | undefined,
  ns: string,
  other: Endpoint,
  port: number,
  protocol: Protocol,
): boolean {
  // No peers (to/from absent or empty): every peer.
  const peerOk = peers === undefined || peers.length === 0 || peers.some((p) => peerMatches(p, ns, other));
  return peerOk && portMatches(rule.ports, port, protocol);
}

/** A policy without policyTypes is Ingress, plus Egress when it has egress rules (Kubernetes' default). */
function policyTypes(spec: PolicySpec): string[] {
  return spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function direction(
  policies: readonly CompiledPolicy[],
  type: 'Ingress' | 'Egress',
  self: Endpoint,
  other: Endpoint,
  port: number,
  protocol: Protocol,
): DirectionVerdict {
  const allowedBy: string[] = [];
  const deniedBy: string[] = [];
  // Policies apply to pods only: an address outside the cluster is never isolated.
  if (self.kind === 'pod') {
    for (const policy of policies) {
      if (policy.namespace !== self.namespace || !policyTypes(policy.spec).includes(type)) continue;
      if (!selects(policy.spec.podSelector, self.labels)) continue;
      const rules = (type === 'Egress' ? policy.spec.egress : policy.spec.ingress) ?? [];
      const allows = rules.some((r) =>
        ruleAllows(r, type === 'Egress' ? r.to : r.from, policy.namespace, other, port, protocol),
      );
      (allows ? allowedBy : deniedBy).push(policy.id);
    }
  }
  const isolated = allowedBy.length + deniedBy.length > 0;
  return {
    allowed: !isolated || allowedBy.length > 0,
    isolated,
    allowedBy: allowedBy.sort(),
    deniedBy: deniedBy.sort(),
  };
}

/** What the policies say about a connection from `source` to `destination` on port/protocol. */
export function evaluatePath(
  policies: readonly CompiledPolicy[],
  source: Endpoint,
  destination: Endpoint,
  port: number,
  protocol: Protocol,
): PathVerdict {
  const egress = direction(policies, 'Egress', source, destination, port, protocol);
  const ingress = direction(policies, 'Ingress', destination, source, port, protocol);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/** The client pod of a service: its namespace and the labels its selector requires. */
export function servicePod(service: {
  namespace: string;
  selector: { matchLabels: Record<string, string> };
}): Endpoint {
  return { kind: 'pod', namespace: service.namespace, labels: service.selector.matchLabels };
}

/** A gateway pod: the labels of its compiled Deployment's pod template (the selector if absent). */
export function gatewayPod(
  objects: readonly KubernetesObject[],
  d: CompilerDestination,
  gatewayNamespace: string,
  ip?: string,
): Endpoint {
  const deployment = objects.find(
    (o) =>
      o.kind === 'Deployment' &&
      o.metadata.namespace === gatewayNamespace &&
      o.metadata.name === d.gatewayName,
  );
  const template = (
    deployment?.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined
  )?.template?.metadata?.labels;
  return {
    kind: 'pod',
    namespace: gatewayNamespace,
    labels: template ?? gatewayPodSelector(d.gatewayName),
    ...(ip ? { ip } : {}),
  };
}

/** Paths that involve the host's gateway, if the host is a destination. */
function gatewayPaths(
  input: CompilerInput,
  objects: readonly KubernetesObject[],
  policies: readonly CompiledPolicy[],
  d: CompilerDestination,
  client: Endpoint,
  publicAddress: Endpoint,
  query: ReachabilityQuery,
  gatewayPodIp: string | undefined,
): { toGateway: PathVerdict; upstream: PathVerdict; steered: boolean } {
  const gateway = gatewayPod(objects, d, input.settings.gatewayNamespace, gatewayPodIp);
  return {
    toGateway: evaluatePath(policies, client, gateway, query.port, query.protocol),
    upstream: evaluatePath(policies, gateway, publicAddress, query.port, query.protocol),
    steered: isReady(input.readiness, d.gatewayName),
  };
}

function routeOf(
  direct: PathVerdict,
  via: { toGateway: PathVerdict; upstream: PathVerdict; steered: boolean } | null,
): Reachability['route'] {
  if (!direct.egress.isolated) return 'unisolated';
  if (via?.steered && via.toGateway.allowed && via.upstream.allowed) return 'gateway';
  return direct.allowed ? 'port-wide' : null;
}

function verdictOf(route: Reachability['route']): ReachabilityVerdict {
  if (route === 'unisolated') return 'open';
  return route ? 'allowed' : 'denied';
}

/**
 * The answer for one (service, host, port, protocol), from the compiler's input and its output:
 * - "open": no policy isolates the service's pods for egress (an unenforced namespace): anything goes;
 * - "allowed": the host's gateway admits the service on the port and passes it on, and DNS steers the
 *   name to it (the gateway is ready); or a port-wide grant lets the pods reach public addresses on the
 *   port directly (while the gateway is steered, that means by address: the name leads to the gateway);
 * - "denied" otherwise.
 */
export function reachability(
  input: CompilerInput,
  objects: readonly KubernetesObject[],
  query: ReachabilityQuery,
  options: ReachabilityOptions = {},
  policies: readonly CompiledPolicy[] = networkPolicies(objects),
): Reachability {
  const service = input.services.find((s) => s.id === query.serviceId);
  if (!service) throw new Error(`no service ${query.serviceId} in the compiler input`);
  const client = servicePod(service);
  const publicAddress: Endpoint = { kind: 'address', ip: options.publicIp ?? DEFAULT_PUBLIC_IP };
  const d = input.destinations.find((x) => x.host === query.host) ?? null;
  const direct = evaluatePath(policies, client, publicAddress, query.port, query.protocol);
  const via =
    d && gatewayPaths(input, objects, policies, d, client, publicAddress, query, options.gatewayPodIp);
  const route = routeOf(direct, via);
  return {
    verdict: verdictOf(route),
    route,
    service: { id: service.id, name: service.name, namespace: service.namespace },
    destination: d && { id: d.id, host: d.host, gatewayName: d.gatewayName },
    ...(via ?? { steered: false, toGateway: null, upstream: null }),
    direct,
  };
}
