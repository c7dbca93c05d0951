import { enforcedNamespaces, namespacesKnownWithoutCluster, sha256Hex } from '@egress/shared';

import { compareKeys, type Sha256Hex, shareCanonical } from './canonical.ts';
import { dnsConfigMap } from './dns.ts';
import {
  gatewayAutoscaler,
  gatewayConfigMap,
  type GatewayContext,
  gatewayDeployment,
  gatewayDisruptionBudget,
  gatewayService,
} from './gateway.ts';
import {
  type GatewayClient,
  gatewayNetworkPolicy,
  rankPeers,
  type ServicePeer,
  servicePeer,
} from './gateway-policy.ts';
import { keysFor, withContentHash } from './meta.ts';
import { podIdentityObjects } from './pod-identity.ts';
import { type IpBlockPeer, ipBlocks, publicAddressBlocks } from './public-addresses.ts';
import type { CompilerDestination, CompilerInput, CompilerService, KubernetesObject } from './types.ts';
import { defaultDenyPolicy, portWidePolicy } from './workload-policies.ts';

export interface CompileOptions {
  /**
   * SHA-256 (lower-case hex) for the content hashes. Defaults to the pure-JavaScript `sha256Hex` of
   * @egress/shared; a server may pass a native one (node:crypto) for speed. Same digests either way.
   */
  sha256Hex?: Sha256Hex;
  /**
   * A cache the caller keeps from one compile to the next (the API's compiler thread does). A gateway's
   * six objects are a function of the settings, its destination and its clients only, so a gateway whose
   * inputs are unchanged is taken from the previous compile instead of being rendered and hashed again:
   * a change to one grant recompiles one gateway. The output is the same with or without it.
   */
  gatewayCache?: GatewayCache;
}

/** See CompileOptions.gatewayCache; holds the gateways of the last compile only. */
export interface GatewayCache {
  settings: string;
  entries: Map<string, KubernetesObject[]>;
}

export function createGatewayCache(): GatewayCache {
  return { settings: '', entries: new Map() };
}

/**
 * What a gateway's objects depend on besides the settings: the destination, and each client's peer (its
 * sort key is the peer's canonical JSON; the peers' ranks only order them the way the keys do) and ports.
 */
function gatewayKey(d: CompilerDestination, clients: readonly GatewayClient[]): string {
  const keyed = clients
    .map((c) => `${c.peer.sortKey}\u0001${[...c.ports].sort((a, b) => a - b).join(',')}`)
    .sort(compareKeys);
  return `${JSON.stringify(d)}\u0002${keyed.join('\u0002')}`;
}

/** Active grants grouped once: per destination, the services and their ports; and the port-wide ones. */
interface GrantIndex {
  byDestination: Map<string, Map<string, Set<number>>>;
  portWide: Map<string, Set<number>>;
}

function addPort(map: Map<string, Set<number>>, key: string, port: number): void {
  const ports = map.get(key);
  if (ports) ports.add(port);
  else map.set(key, new Set([port]));
}

function indexGrants(input: Pick<CompilerInput, 'grants'>): GrantIndex {
  const byDestination = new Map<string, Map<string, Set<number>>>();
  const portWide = new Map<string, Set<number>>();
  for (const grant of input.grants) {
    if (grant.destinationId === null) {
      addPort(portWide, grant.serviceId, grant.port);
      continue;
    }
    let services = byDestination.get(grant.destinationId);
    if (!services) byDestination.set(grant.destinationId, (services = new Map<string, Set<number>>()));
    addPort(services, grant.serviceId, grant.port);
  }
  return { byDestination, portWide };
}

function assertUnique(destinations: readonly CompilerDestination[]): void {
  const names = new Set<string>();
  for (const d of destinations) {
    // The database guarantees this; two destinations on one gateway name would overwrite each other.
    if (names.has(d.gatewayName))
      throw new Error(`two destinations share the gateway name "${d.gatewayName}"`);
    names.add(d.gatewayName);
  }
}

function gatewayObjects(
  d: CompilerDestination,
  ctx: GatewayContext,
  clients: readonly GatewayClient[],
  publicBlocks: readonly IpBlockPeer[],
): KubernetesObject[] {
  const seal = (o: KubernetesObject) => withContentHash(o, ctx.keys, ctx.hash);
  const configMap = seal(gatewayConfigMap(d, ctx));
  return [
    configMap,
    seal(gatewayDeployment(d, ctx, configMap)),
    seal(gatewayService(d, ctx)),
    seal(gatewayAutoscaler(d, ctx)),
    seal(gatewayDisruptionBudget(d, ctx)),
    seal(gatewayNetworkPolicy(d, ctx, clients, publicBlocks)),
  ];
}

/** The clients of one gateway. A grant whose service is not in the input (deleted meanwhile) grants nothing. */
function clientsOf(
  grants: Map<string, Set<number>> | undefined,
  peers: ReadonlyMap<string, ServicePeer>,
): GatewayClient[] {
  const clients: GatewayClient[] = [];
  for (const [serviceId, ports] of grants ?? []) {
    const peer = peers.get(serviceId);
    if (peer) clients.push({ peer, ports });
  }
  return clients;
}

/** Each service granted some destination, as a NetworkPolicy peer built once. */
function peersOf(
  grants: GrantIndex,
  services: ReadonlyMap<string, CompilerService>,
): Map<string, ServicePeer> {
  const peers = new Map<string, ServicePeer>();
  for (const granted of grants.byDestination.values()) {
    for (const serviceId of granted.keys()) {
      const service = services.get(serviceId);
      if (service && !peers.has(serviceId)) peers.set(serviceId, servicePeer(service));
    }
  }
  rankPeers(peers.values());
  return peers;
}

/** gatewayObjects through the cache: entries valid for these settings; done() keeps only this compile's gateways. */
function cachedGateways(cache: GatewayCache, ctx: GatewayContext, publicBlocks: readonly IpBlockPeer[]) {
  const settingsKey = JSON.stringify(ctx.settings);
  const valid = cache.settings === settingsKey;
  const kept = new Map<string, KubernetesObject[]>();
  const get = (d: CompilerDestination, clients: readonly GatewayClient[]): KubernetesObject[] => {
    const key = gatewayKey(d, clients);
    const gateway =
      (valid ? cache.entries.get(key) : undefined) ?? gatewayObjects(d, ctx, clients, publicBlocks);
    kept.set(key, gateway);
    return gateway;
  };
  return Object.assign(get, {
    done(): void {
      cache.settings = settingsKey;
      cache.entries = kept;
    },
  });
}

/** Kind, then namespace (cluster-scoped first), then name; code-unit order throughout. */
function compareObjects(a: KubernetesObject, b: KubernetesObject): number {
  return (
    compareKeys(a.kind, b.kind) ||
    compareKeys(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    compareKeys(a.metadata.name, b.metadata.name)
  );
}

function gatewayContext(settings: CompilerInput['settings'], options: CompileOptions): GatewayContext {
  return {
    settings,
    keys: keysFor(settings),
    hash: options.sha256Hex ?? sha256Hex,
    resolverBlocks: shareCanonical(ipBlocks(settings.gatewayResolver.cidrs)),
  };
}

/** What `compileGateways` needs: the settings, the gateways' destinations, their grants and the services those name. */
export type GatewayInput = Pick<CompilerInput, 'settings' | 'destinations' | 'services' | 'grants'>;

/**
 * The objects of the gateways of `input.destinations` only, exactly as `compile` renders them: a
 * gateway's six objects are a function of the settings, its destination and its clients (the services
 * holding an active grant for it, and their ports), and of nothing else (not readiness, not the
 * cluster, not the other destinations). So a change to some grants is compiled by passing the
 * destinations they concern, every active grant of those destinations and the services the grants
 * name; the result equals those gateways' objects in a full compile (the peers are ranked among fewer
 * peers, which orders them the same way: see rankPeers). Port-wide grants are ignored (not gateway
 * objects). Sorted like `compile`'s output.
 */
export function compileGateways(
  input: GatewayInput,
  options: Pick<CompileOptions, 'sha256Hex'> = {},
): KubernetesObject[] {
  const ctx = gatewayContext(input.settings, options);
  const publicBlocks = publicAddressBlocks(input.settings);
  const services = new Map<string, CompilerService>(input.services.map((s) => [s.id, s]));
  const grants = indexGrants(input);
  assertUnique(input.destinations);
  const peers = peersOf(grants, services);
  const objects: KubernetesObject[] = [];
  for (const d of input.destinations)
    objects.push(...gatewayObjects(d, ctx, clientsOf(grants.byDestination.get(d.id), peers), publicBlocks));
  return objects.sort(compareObjects);
}

/** Where the default-deny policy goes: the list, or (mode "all") every known namespace not left open. */
function enforcedNamespacesOf(input: CompilerInput): string[] {
  const { settings, cluster } = input;
  const known = cluster
    ? cluster.namespaces
    : namespacesKnownWithoutCluster(
        settings,
        input.services.map((s) => s.namespace),
      );
  return enforcedNamespaces(settings, known, { productNamespace: cluster?.productNamespace ?? null });
}

/**
 * The desired state: every object egress control wants in the cluster, sorted by kind, namespace and
 * name, each with its content-hash annotation. Pure and deterministic: no clock, no randomness, no I/O;
 * the same input (in any order) gives byte-identical output. The input is not changed; the output
 * shares some frozen sub-objects (peers, public-address blocks) between objects: clone before editing.
 *
 * Port-wide grants become policies only in enforced namespaces: elsewhere the service's pods can
 * already reach the internet, and a policy selecting them would isolate them for egress and cut their
 * cluster traffic and DNS (enforcement is an explicit admin setting, never a side effect of a grant).
 */
export function compile(input: CompilerInput, options: CompileOptions = {}): KubernetesObject[] {
  const { settings } = input;
  const ctx = gatewayContext(settings, options);
  const { keys } = ctx;
  const seal = (o: KubernetesObject) => withContentHash(o, keys, ctx.hash);
  const publicBlocks = publicAddressBlocks(settings);
  const services = new Map<string, CompilerService>(input.services.map((s) => [s.id, s]));
  const grants = indexGrants(input);
  const enforced = new Set(enforcedNamespacesOf(input));
  assertUnique(input.destinations);

  const peers = peersOf(grants, services);
  const cached = options.gatewayCache ? cachedGateways(options.gatewayCache, ctx, publicBlocks) : null;
  const objects: KubernetesObject[] = [];
  for (const d of input.destinations) {
    const clients = clientsOf(grants.byDestination.get(d.id), peers);
    objects.push(...(cached ? cached(d, clients) : gatewayObjects(d, ctx, clients, publicBlocks)));
  }
  cached?.done();
  for (const namespace of enforced) objects.push(seal(defaultDenyPolicy(namespace, settings)));
  for (const [serviceId, ports] of grants.portWide) {
    const service = services.get(serviceId);
    if (!service || !enforced.has(service.namespace)) continue;
    for (const port of ports) objects.push(seal(portWidePolicy(service, port, keys, publicBlocks)));
  }
  objects.push(seal(dnsConfigMap(input.destinations, settings, input.readiness, input.gatewayAddresses)));
  objects.push(...podIdentityObjects(input.services, keys).map(seal));
  return objects.sort(compareObjects);
}
