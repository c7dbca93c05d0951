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

/** Reads what the compiler needs in one consistent snapshot (a repeatable-read transaction). */
export async function loadSnapshot(db: Db, readSettings: SettingsReader, now: Date = new Date()): Promise<CompilerSnapshot> {
  return db.$transaction(
    async (tx) => {
      // One statement at a time: a transaction is one connection, and pg refuses overlapping queries on it.
      const settings: Settings = await readSettings(tx);
      const destinations = await tx.destination.findMany({ where: { deletedAt: null }, include: { ports: true } });
      const services = await tx.service.findMany({ where: { deletedAt: null } });
      // A grant past its expiry is not enforced even before the expiry sweep has marked it expired.
      const grants = await tx.grant.findMany({
        where: { state: 'active', OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        select: { id: true, serviceId: true, destinationId: true, port: true },
      });
      return {
        settings,
        destinations: destinations.map((d) => ({
          id: d.id,
          host: d.host,
          gatewayName: d.gatewayName,
          sensitivity: d.sensitivity,
          ports: d.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
          gateway: { minReplicas: d.minReplicas, maxReplicas: d.maxReplicas, targetCPUUtilizationPercentage: d.targetCPUUtilizationPercentage },
        })),
        services: services.map((s) => ({ id: s.id, name: s.name, namespace: s.namespace, selector: s.selector as { matchLabels: Record<string, string> }, serviceAccount: s.serviceAccount })),
        grants,
      };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

export function scopeOf(settings: Settings): Scope {
  const namespaces = new Set([settings.gatewayNamespace, settings.dnsConfigMap.namespace, ...settings.enforcedNamespaces]);
  return { gatewayNamespace: settings.gatewayNamespace, dnsNamespace: settings.dnsConfigMap.namespace, namespaces: [...namespaces].sort() };
}

/** The desired objects, compiled on the compiler thread so the API keeps answering meanwhile. */
export function compileDesired(snapshot: CompilerSnapshot, readiness: Readiness, observed: Observed = {}): Promise<KubernetesObject[]> {
  const { addresses, cluster = null } = observed;
  return compilerThread().compile({ ...snapshot, readiness, cluster, ...(addresses ? { gatewayAddresses: addresses } : {}) });
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
  return { scope, snapshot, desired: async (readiness, observed) => compileDesired(await snapshot, readiness, observed) };
}
