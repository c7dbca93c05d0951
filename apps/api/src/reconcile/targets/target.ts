import type { CompilerCluster, GatewayAddresses, KubernetesObject } from '@egress/manifests';
import type { FastifyBaseLogger } from 'fastify';

import type { Readiness } from '../desired-state.ts';

export type ObjectAction = 'created' | 'updated' | 'deleted' | 'unchanged' | 'failed';

export interface ObjectResult {
  kind: string;
  namespace: string | null;
  name: string;
  action: ObjectAction;
  error?: string;
  /** Set when the object was rewritten because someone else had changed it (what they changed). */
  drift?: string;
  /** With `drift`: each field someone else changed or added, and the field managers that own it (for the audit). */
  driftFields?: DriftField[];
}

/** One field of a managed object that someone else changed (we set it) or added (we never set it). */
export interface DriftField {
  path: string;
  change: 'changed' | 'added';
  /** The field managers other than ours that own it (from the live object's managedFields); empty when none does. */
  managers: string[];
}

export interface ApplyResult {
  objects: ObjectResult[];
  errors: string[];
  /** The gateway readiness the desired state was compiled with (the kubernetes target leaves out gateways the run deleted). */
  readiness: Readiness;
}

/**
 * The desired objects for a given gateway readiness. A target calls it once per run, after reading the
 * cluster (the kubernetes target takes readiness from the Deployments it has just listed, the gateway
 * Services' ClusterIPs for the DNS snippet from the Services, and passes the namespaces it has just
 * listed: enforcement mode "all" puts a policy into each; it calls it once more before the DNS stage
 * when applying a Service changed an address). Without addresses (the directory target) the DNS
 * snippet names the gateway Services instead; without a cluster, mode "all" enforces what it can name.
 */
export type Desired = (readiness: Readiness, observed?: Observed) => Promise<KubernetesObject[]>;

/** What a target read from the cluster besides readiness. */
export interface Observed {
  addresses?: GatewayAddresses;
  cluster?: CompilerCluster | null;
}

/**
 * Where the settings put things: gateway objects in the gateway namespace, the DNS ConfigMap in its
 * namespace. A target with namespaced permissions looks for (and prunes) gateway objects only there.
 */
export interface Scope {
  gatewayNamespace: string;
  dnsNamespace: string;
  /** Every namespace the settings may put objects in: gateway, DNS and enforced namespaces. */
  namespaces: string[];
}

/** A live object that differs from the desired state, and why. */
export interface DriftEntry {
  kind: string;
  namespace: string | null;
  name: string;
  reason: string;
}

export interface GatewayStatus {
  destination: string;
  gatewayName: string;
  readyReplicas: number;
  desiredReplicas: number;
  ready: boolean;
}

export interface Inspection {
  drift: DriftEntry[];
  gateways: GatewayStatus[];
}

export interface ApplyOptions {
  dryRun: boolean;
  scope: Scope;
  /**
   * A run for a change made through the API may start from the live state the previous run saw, kept
   * current with its own writes, instead of listing the cluster again (faster approvals). The objects
   * it is about to rewrite are read again (one GET each), so others' edits to them are reported as
   * drift; edits to objects the change leaves alone are found by the next run that lists the cluster
   * (periodic resync, start-up, manual, retry, readiness change).
   */
  reuseLiveState?: boolean;
}

/** What `Target.applyGateways` did. */
export interface GatewayWrite {
  objects: ObjectResult[];
  errors: string[];
}

/** A readiness watch started by `Target.watchReadiness`. */
export interface ReadinessWatch {
  /** Stops watching; resolves once the open request is closed. */
  stop(): Promise<void>;
}

/** Where desired state goes. Each target reports per object; it never throws for one bad object. */
export interface Target {
  readonly name: 'kubernetes' | 'directory' | 'none';
  /** Which gateways may get DNS rewrites: 'all' where readiness cannot be observed. A light read. */
  observeReadiness(scope: Scope): Promise<Readiness>;
  /**
   * Follows gateway readiness in `scope.gatewayNamespace` where the target can watch it (kubernetes):
   * `onChange` gets the whole readiness once the watch has its first list, and again each time the set
   * of ready gateways changes (a gateway turning ready or unready, one appearing ready or going away).
   * While the watch is in sync, observeReadiness for that namespace answers from it without a request.
   * Absent where readiness cannot be observed (the directory and none targets steer 'all').
   */
  watchReadiness?(
    scope: Scope,
    onChange: (readiness: Readiness) => void,
    options?: { log?: Pick<FastifyBaseLogger, 'debug'> },
  ): ReadinessWatch;
  /** The gateway Services' ClusterIPs, where the target can read them (for the DNS snippet's `hosts` format). */
  observeAddresses?(scope: Scope): Promise<GatewayAddresses>;
  apply(desired: Desired, options: ApplyOptions): Promise<ApplyResult>;
  /**
   * Writes the objects of some gateways, compiled alone for a change to their grants (a change-scoped
   * run), against the live state the last full run read and kept current with its writes: the objects
   * whose content hash differs are applied, in the stage order; nothing is pruned (a gateway has the same
   * six objects whatever its grants). Null, having written nothing, where it cannot stand for a full run
   * (no such live state, or too old, or of another scope; an object it does not hold; a Service that
   * would change, which the DNS snippet follows): the caller runs the full reconcile instead.
   */
  applyGateways?(objects: KubernetesObject[], scope: Scope): Promise<GatewayWrite | null>;
  /** Compares what is deployed with the desired state without changing anything. */
  inspect(desired: Desired, scope: Scope): Promise<Inspection>;
  /** The cluster's namespaces as listed now; null where the target has no cluster to ask (directory, none). */
  clusterNamespaces(): Promise<CompilerCluster | null>;
}

export function objectRef(o: KubernetesObject): { kind: string; namespace: string | null; name: string } {
  return { kind: o.kind, namespace: o.metadata.namespace ?? null, name: o.metadata.name };
}

export function countActions(objects: ObjectResult[]): Record<ObjectAction, number> {
  const counts: Record<ObjectAction, number> = {
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: 0,
    failed: 0,
  };
  for (const o of objects) counts[o.action]++;
  return counts;
}

export function errorLines(objects: ObjectResult[]): string[] {
  return objects
    .filter((r) => r.action === 'failed')
    .map((r) => `${r.kind} ${r.namespace ?? ''}/${r.name}: ${r.error ?? ''}`);
}

/** Drift entries in a stable order: kind, namespace, name. */
export function sortDrift(entries: DriftEntry[]): DriftEntry[] {
  const key = (d: DriftEntry) => `${d.kind}\u0000${d.namespace ?? ''}\u0000${d.name}`;
  return entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
