import type { Settings } from '@egress/shared';

export type Protocol = 'TCP' | 'UDP';

export interface GatewayScaling {
  minReplicas: number;
  maxReplicas: number;
  targetCPUUtilizationPercentage: number;
}

export interface CompilerDestination {
  id: string;
  /** Normalised host (lower case, no trailing dot, punycode). */
  host: string;
  gatewayName: string;
  sensitivity: 'standard' | 'sensitive';
  ports: { port: number; protocol: Protocol }[];
  gateway: GatewayScaling;
  /**
   * `observe`: the gateway admits every pod of the cluster on the destination's ports (usage without a
   * grant is recorded from its access log). Absent or `enforce`: only the granted services' pods. Absent
   * rather than `enforce` in the API's input, so inputs saved before the mode existed render the same.
   */
  mode?: 'observe' | 'enforce';
}

export interface CompilerService {
  id: string;
  name: string;
  namespace: string;
  selector: { matchLabels: Record<string, string> };
  /** The ServiceAccount its pods must run as (admission enforces it); null or absent: unbound. */
  serviceAccount?: string | null;
}

/** An active grant; `destinationId: null` is a port-wide grant. */
export interface CompilerGrant {
  id: string;
  serviceId: string;
  destinationId: string | null;
  port: number;
}

/**
 * What the target saw of the cluster at the start of a run. In enforcement mode "all" the default-deny
 * policy goes into each of these namespaces (except the ones left open); the compiler never lists them
 * itself, so it stays pure and a saved input renders the same objects offline.
 */
export interface CompilerCluster {
  /** The cluster's namespaces (active ones: a namespace being deleted takes no new objects). */
  namespaces: string[];
  /** The namespace egress control runs in, when known: left open in mode "all". */
  productNamespace: string | null;
}

export interface CompilerInput {
  settings: Settings;
  destinations: CompilerDestination[];
  services: CompilerService[];
  grants: CompilerGrant[];
  /** Observed gateway readiness by gateway name; 'all' where readiness cannot be seen (directory target). */
  readiness: 'all' | Record<string, boolean>;
  /**
   * The ClusterIPs of each gateway Service, by gateway name, as the kubernetes target read them from the
   * cluster. Absent where the cluster cannot be read (directory target): the DNS snippet then names the
   * gateway Services in `rewrite` rules instead of mapping names to addresses (see dns.ts).
   */
  gatewayAddresses?: GatewayAddresses;
  /**
   * Null or absent where the target cannot list the cluster (directory, none): mode "all" then enforces
   * the namespaces the settings and the registered services name.
   */
  cluster?: CompilerCluster | null;
}

/** ClusterIPs by gateway name (a dual-stack Service has one per family). */
export type GatewayAddresses = Record<string, readonly string[]>;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}
