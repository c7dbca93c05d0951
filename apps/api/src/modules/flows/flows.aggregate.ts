// A batch of denied flows → the blocked_flows rows it adds to: one per (service or unattributed
// namespace, destination, port, protocol, dedup window). Pure; the repository upserts the result.
import type { DeniedFlow, Protocol } from '@egress/shared';

import type { Attributor } from './flows.attribution.ts';

/** Postgres INTEGER: counts saturate here instead of failing the batch. */
export const MAX_COUNT = 2_147_483_647;

export interface FlowRow {
  serviceId: string | null;
  sourceNamespace: string;
  sourceWorkload: string | null;
  /** destName when the record named one, else destIp: the destination as the inbox groups it. */
  destKey: string;
  destName: string | null;
  destIp: string | null;
  destinationId: string | null;
  port: number;
  protocol: Protocol;
  windowStart: Date;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
  reporter: string;
}

/** Who an alert rule is evaluated for: a service, or (serviceId null) the unattributed flows of a namespace. */
export interface AlertSubject {
  serviceId: string | null;
  namespace: string;
}

export interface Aggregate {
  /** Sorted by key, so concurrent batches lock shared rows in the same order (no deadlocks). */
  rows: FlowRow[];
  unattributed: number;
  subjects: AlertSubject[];
}

function keyOf(r: FlowRow): string {
  return [r.serviceId ?? '', r.sourceNamespace, r.destKey, r.port, r.protocol, r.windowStart.getTime()].join(
    '\u0000',
  );
}

function merge(into: FlowRow, next: FlowRow): void {
  into.count = Math.min(MAX_COUNT, into.count + next.count);
  if (next.firstSeen < into.firstSeen) into.firstSeen = next.firstSeen;
  if (next.lastSeen >= into.lastSeen) {
    into.lastSeen = next.lastSeen;
    into.sourceWorkload = next.sourceWorkload ?? into.sourceWorkload;
    into.reporter = next.reporter;
  }
  into.destIp ??= next.destIp;
}

export function aggregateFlows(
  flows: readonly DeniedFlow[],
  attribute: Attributor,
  knownHosts: ReadonlyMap<string, string>,
  windowMs: number,
): Aggregate {
  const rows = new Map<string, FlowRow>();
  const subjects = new Map<string, AlertSubject>();
  let unattributed = 0;
  for (const flow of flows) {
    const service = attribute(flow.sourceNamespace, flow.sourceLabels);
    if (!service) unattributed++;
    const subject = service
      ? { serviceId: service.id, namespace: service.namespace }
      : { serviceId: null, namespace: flow.sourceNamespace };
    subjects.set(`${subject.serviceId ?? ''}\u0000${subject.namespace}`, subject);
    const row: FlowRow = {
      serviceId: service?.id ?? null,
      sourceNamespace: flow.sourceNamespace,
      sourceWorkload: flow.sourcePod,
      destKey: flow.destName ?? flow.destIp ?? '',
      destName: flow.destName,
      destIp: flow.destIp,
      destinationId: flow.destName ? (knownHosts.get(flow.destName) ?? null) : null,
      port: flow.destPort,
      protocol: flow.protocol,
      windowStart: new Date(Math.floor(flow.time.getTime() / windowMs) * windowMs),
      firstSeen: flow.time,
      lastSeen: flow.time,
      count: flow.count,
      reporter: flow.reporter,
    };
    const key = keyOf(row);
    const existing = rows.get(key);
    if (existing) merge(existing, row);
    else rows.set(key, row);
  }
  const sorted = [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  return { rows: sorted, unattributed, subjects: [...subjects.values()] };
}
