import { createHash } from 'node:crypto';

import { compile, type CompilerInput, type KubernetesObject } from '@egress/manifests';
import type { Settings } from '@egress/shared';

import type { Db } from '../platform/db.ts';
import { readSettings } from '../modules/settings/settings.service.ts';
import type { Target } from './targets/target.ts';

export type Readiness = CompilerInput['readiness'];
/** Everything the compiler needs except gateway readiness, which comes from the target. */
export type CompilerSnapshot = Omit<CompilerInput, 'readiness'>;

/** node:crypto instead of the compiler's portable SHA-256: same digests, several times faster. */
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Reads what the compiler needs in one consistent snapshot (a repeatable-read transaction). */
export async function loadSnapshot(db: Db): Promise<CompilerSnapshot> {
  return db.$transaction(
    async (tx) => {
      const settings: Settings = await readSettings(tx);
      const [destinations, services, grants] = await Promise.all([
        tx.destination.findMany({ where: { deletedAt: null }, include: { ports: true } }),
        tx.service.findMany({ where: { deletedAt: null } }),
        tx.grant.findMany({ where: { state: 'active' }, select: { id: true, serviceId: true, destinationId: true, port: true } }),
      ]);
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
        services: services.map((s) => ({ id: s.id, name: s.name, namespace: s.namespace, selector: s.selector as { matchLabels: Record<string, string> } })),
        grants,
      };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

export function compileDesired(snapshot: CompilerSnapshot, readiness: Readiness): KubernetesObject[] {
  return compile({ ...snapshot, readiness }, { sha256Hex });
}

export interface DesiredState {
  readiness: Readiness;
  objects: KubernetesObject[];
}

/** The desired objects, with DNS rewrites for the gateways the target sees ready now. */
export async function desiredState(db: Db, target: Target): Promise<DesiredState> {
  const snapshot = await loadSnapshot(db);
  const readiness = await target.observeReadiness({ gatewayNamespace: snapshot.settings.gatewayNamespace });
  return { readiness, objects: compileDesired(snapshot, readiness) };
}
