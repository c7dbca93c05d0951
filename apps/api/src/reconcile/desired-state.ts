import type { CompilerInput, KubernetesObject } from '@egress/manifests';
import type { Settings } from '@egress/shared';

import type { Db, Tx } from '../platform/db.ts';
import { compilerThread } from './compiler-thread.ts';
import type { Desired, Observed, Scope } from './targets/target.ts';

export type Readiness = CompilerInput['readiness'];
/** Everything the compiler needs except what comes from the target: gateway readiness and addresses, the cluster's namespaces. */
export type CompilerSnapshot = Omit<CompilerInput, 'readiness' | 'gatewayAddresses' | 'cluster'>;
/** Reads the stored settings (the settings module's reader, injected: the engine does not import modules). */
export type SettingsReader = (db: Db | Tx) => Promise<Settings>;

interface SnapshotRows {
  destinations: [
    id: string,
    host: string,
    gatewayName: string,
    sensitivity: 'standard' | 'sensitive',
    minReplicas: number,
    maxReplicas: number,
    cpu: number,
    ports: [number, 'TCP' | 'UDP'][],
    mode: 'observe' | 'enforce',
  ][];
  services: [
    id: string,
    name: string,
    namespace: string,
    selector: { matchLabels: Record<string, string> },
    serviceAccount: string | null,
  ][];
  grants: [id: string, serviceId: string, destinationId: string | null, port: number][];
}

/**
 * Every row the compiler needs, in one statement (one round trip, one consistent view), as compact JSON
 * arrays: a run after each approval reads this, and the ORM's five queries and row mapping took several
 * times longer (bench/reconcile prints the step). A grant past its expiry is not enforced even before
 * the expiry sweep has marked it expired.
 */
async function snapshotRows(tx: Tx, now: Date): Promise<SnapshotRows> {
  const [rows] = await tx.$queryRaw<[SnapshotRows]>`
    SELECT
      (SELECT coalesce(json_agg(json_build_array(d.id, d.host, d.gateway_name, d.sensitivity, d.min_replicas, d.max_replicas, d.target_cpu_utilization_percentage,
                (SELECT coalesce(json_agg(json_build_array(p.port, p.protocol) ORDER BY p.port, p.protocol), '[]'::json) FROM destination_ports p WHERE p.destination_id = d.id), d.mode)
              ORDER BY d.id), '[]'::json)
         FROM destinations d WHERE d.deleted_at IS NULL) AS destinations,
      (SELECT coalesce(json_agg(json_build_array(s.id, s.name, s.namespace, s.selector, s.service_account) ORDER BY s.id), '[]'::json)
         FROM services s WHERE s.deleted_at IS NULL) AS services,
      (SELECT coalesce(json_agg(json_build_array(g.id, g.service_id, g.destination_id, g.port) ORDER BY g.id), '[]'::json)
         FROM grants g WHERE g.state = 'active' AND (g.expires_at IS NULL OR g.expires_at > ${now})) AS grants`;
  return rows;
}

/** Reads what the compiler needs in one consistent snapshot (a repeatable-read transaction: the settings and the rows). */
export async function loadSnapshot(
  db: Db,
  readSettings: SettingsReader,
  now: Date = new Date(),
): Promise<CompilerSnapshot> {
  return db.$transaction(
    async (tx) => {
      // One statement at a time: a transaction is one connection, and pg refuses overlapping queries on it.
      const settings: Settings = await readSettings(tx);
      const rows = await snapshotRows(tx, now);
      return {
        settings,
        destinations: rows.destinations.map(
          ([
            id,
            host,
            gatewayName,
            sensitivity,
            minReplicas,
            maxReplicas,
            targetCPUUtilizationPercentage,
            ports,
            mode,
          ]) => ({
            id,
            host,
            gatewayName,
            sensitivity,
            ports: ports.map(([port, protocol]) => ({ port, protocol })),
            gateway: { minReplicas, maxReplicas, targetCPUUtilizationPercentage },
            // Only observe is written: an enforce destination's input is what it was before modes existed.
            ...(mode === 'observe' ? { mode } : {}),
          }),
        ),
        services: rows.services.map(([id, name, namespace, selector, serviceAccount]) => ({
          id,
          name,
          namespace,
          selector,
          serviceAccount,
        })),
        grants: rows.grants.map(([id, serviceId, destinationId, port]) => ({
          id,
          serviceId,
          destinationId,
          port,
        })),
      };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

export function scopeOf(settings: Settings): Scope {
  const namespaces = new Set([
    settings.gatewayNamespace,
    settings.dnsConfigMap.namespace,
    ...settings.enforcedNamespaces,
  ]);
  return {
    gatewayNamespace: settings.gatewayNamespace,
    dnsNamespace: settings.dnsConfigMap.namespace,
    namespaces: [...namespaces].sort(),
  };
}

/** The desired objects, compiled on the compiler thread so the API keeps answering meanwhile. */
export function compileDesired(
  snapshot: CompilerSnapshot,
  readiness: Readiness,
  observed: Observed = {},
): Promise<KubernetesObject[]> {
  const { addresses, cluster = null } = observed;
  return compilerThread().compile({
    ...snapshot,
    readiness,
    cluster,
    ...(addresses ? { gatewayAddresses: addresses } : {}),
  });
}

export interface Plan {
  scope: Scope;
  /** The database snapshot, being read while the target lists the cluster. */
  snapshot: Promise<CompilerSnapshot>;
  desired: Desired;
}

/**
 * What a run needs before it reads the cluster: where things go (from the settings) and the desired
 * state as a function of readiness. The database snapshot is read meanwhile, while the target lists.
 */
export async function planFor(db: Db, readSettings: SettingsReader, now?: Date): Promise<Plan> {
  const scope = scopeOf(await readSettings(db));
  const snapshot = loadSnapshot(db, readSettings, now);
  // Awaited by desired(); this only keeps a failure from being "unhandled" if the target fails first.
  snapshot.catch(() => undefined);
  return {
    scope,
    snapshot,
    desired: async (readiness, observed) => compileDesired(await snapshot, readiness, observed),
  };
}
