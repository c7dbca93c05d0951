import type { CompilerInput, GatewayInput, KubernetesObject } from '@egress/manifests';
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

/**
 * The rows of the gateways some grants concern: their destinations (not deleted), every active grant of
 * those destinations (the same expiry rule as snapshotRows) and the services those grants name (not
 * deleted), in the shapes of snapshotRows, with the same filters, so compileGateways renders from them
 * exactly what the full compile renders for those gateways. `portWide` counts the given grants without a
 * destination, `unknown` the given ids that are no grant and `gone` the destinations that are deleted:
 * any of them means the change is not one the scoped compile can stand for.
 */
async function gatewayRows(
  tx: Db | Tx,
  grantIds: string[],
  now: Date,
): Promise<SnapshotRows & { portWide: number; unknown: number; gone: number }> {
  const [rows] = await tx.$queryRaw<[SnapshotRows & { portWide: number; unknown: number; gone: number }]>`
    WITH touched AS (SELECT g.id, g.destination_id FROM grants g WHERE g.id = ANY(${grantIds}::uuid[])),
      dests AS (SELECT d.* FROM destinations d WHERE d.id IN (SELECT destination_id FROM touched) AND d.deleted_at IS NULL),
      active AS (SELECT g.id, g.service_id, g.destination_id, g.port FROM grants g
                  WHERE g.destination_id IN (SELECT id FROM dests) AND g.state = 'active' AND (g.expires_at IS NULL OR g.expires_at > ${now}))
    SELECT
      (SELECT count(*) FROM touched WHERE destination_id IS NULL)::int AS "portWide",
      (cardinality(${grantIds}::uuid[]) - (SELECT count(*) FROM touched))::int AS "unknown",
      ((SELECT count(DISTINCT destination_id) FROM touched WHERE destination_id IS NOT NULL) - (SELECT count(*) FROM dests))::int AS "gone",
      (SELECT coalesce(json_agg(json_build_array(d.id, d.host, d.gateway_name, d.sensitivity, d.min_replicas, d.max_replicas, d.target_cpu_utilization_percentage,
                (SELECT coalesce(json_agg(json_build_array(p.port, p.protocol) ORDER BY p.port, p.protocol), '[]'::json) FROM destination_ports p WHERE p.destination_id = d.id), d.mode)
              ORDER BY d.id), '[]'::json)
         FROM dests d) AS destinations,
      (SELECT coalesce(json_agg(json_build_array(s.id, s.name, s.namespace, s.selector, s.service_account) ORDER BY s.id), '[]'::json)
         FROM services s WHERE s.id IN (SELECT service_id FROM active) AND s.deleted_at IS NULL) AS services,
      (SELECT coalesce(json_agg(json_build_array(g.id, g.service_id, g.destination_id, g.port) ORDER BY g.id), '[]'::json)
         FROM active g) AS grants`;
  return rows;
}

/** The compiler's row shapes from the compact arrays of snapshotRows and gatewayRows. */
function fromRows(rows: SnapshotRows): Omit<CompilerSnapshot, 'settings'> {
  return {
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
      return { settings, ...fromRows(rows) };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

/**
 * What a change-scoped run compiles: the settings and the rows of the gateways the given grants concern
 * (gatewayRows, one statement, so one consistent view of the rows). The settings are read beside it, not
 * in one transaction with it: a settings change is a change of its own, whose full run follows this one
 * whatever this one read. Null when the grants are not a change the gateways alone stand for (a
 * port-wide grant, a grant or destination that is gone): the caller runs the full reconcile instead.
 */
export async function loadGatewaySnapshot(
  db: Db,
  readSettings: SettingsReader,
  grantIds: string[],
  now: Date = new Date(),
): Promise<GatewayInput | null> {
  const [settings, rows] = await Promise.all([readSettings(db), gatewayRows(db, grantIds, now)]);
  if (rows.portWide > 0 || rows.unknown > 0 || rows.gone > 0) return null;
  const { destinations, services, grants } = fromRows(rows);
  return { settings, destinations, services, grants };
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
