import type { KubernetesObject } from '@egress/manifests';

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
}

export interface ApplyResult {
  objects: ObjectResult[];
  errors: string[];
}

/** Where readiness is looked for: the gateway namespace of the current settings. */
export interface ReadinessScope {
  gatewayNamespace: string;
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

/** Where desired state goes. Each target reports per object; it never throws for one bad object. */
export interface Target {
  readonly name: 'kubernetes' | 'directory' | 'none';
  /** Which gateways may get DNS rewrites: 'all' where readiness cannot be observed. */
  observeReadiness(scope: ReadinessScope): Promise<Readiness>;
  apply(objects: KubernetesObject[], options: { dryRun: boolean }): Promise<ApplyResult>;
  /** Compares what is deployed with `objects` without changing anything. */
  inspect(objects: KubernetesObject[]): Promise<Inspection>;
}

export function objectRef(o: KubernetesObject): { kind: string; namespace: string | null; name: string } {
  return { kind: o.kind, namespace: o.metadata.namespace ?? null, name: o.metadata.name };
}

export function countActions(objects: ObjectResult[]): Record<ObjectAction, number> {
  const counts: Record<ObjectAction, number> = { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 };
  for (const o of objects) counts[o.action]++;
  return counts;
}

export function errorLines(objects: ObjectResult[]): string[] {
  return objects.filter((r) => r.action === 'failed').map((r) => `${r.kind} ${r.namespace ?? ''}/${r.name}: ${r.error ?? ''}`);
}

/** Drift entries in a stable order: kind, namespace, name. */
export function sortDrift(entries: DriftEntry[]): DriftEntry[] {
  const key = (d: DriftEntry) => `${d.kind}\u0000${d.namespace ?? ''}\u0000${d.name}`;
  return entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
