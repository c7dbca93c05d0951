// From validated connection lines to what is stored: each line's dedup key, and the hourly rows
// (hour, destination, port, source) with their sums. Pure, deterministic (rows and keys sorted, so
// concurrent ingests lock rows in one order and never deadlock).
import { createHash } from 'node:crypto';

import type { ConnectionLine } from '@egress/shared';

import type { PodInfo } from '../../reconcile/kube/pod-index.ts';

const HOUR_MS = 3_600_000;

/** A line that passed validation, with what the ingest resolved for it. */
export interface ResolvedLine {
  line: ConnectionLine;
  start: number;
  destinationId: string;
  /** The registered service the source address belongs to, or null. */
  serviceId: string | null;
  /** The pod's namespace when the address was found in the index (even without a service). */
  namespace: string | null;
  grantId: string | null;
}

export interface HourlyRow {
  hour: Date;
  destinationId: string;
  port: number;
  sourceKey: string;
  serviceId: string | null;
  sourceNamespace: string | null;
  sourceIp: string | null;
  grantId: string | null;
  connections: number;
  refused: number;
  bytesSent: number;
  bytesReceived: number;
  firstSeen: Date;
  lastSeen: Date;
}

/**
 * What identifies one connection: a client address and port reach one gateway port at most once at a
 * time, and the start is in milliseconds; the gateway's name and protocol keep gateways and UDP apart.
 * 16 bytes of SHA-256: a collision between two real connections is not a practical concern.
 */
export function connectionKey(line: ConnectionLine): Buffer {
  const text = [
    line.gateway,
    line.protocol,
    line.listener_port,
    line.source_address,
    line.source_port,
    line.start_time,
  ].join('|');
  return createHash('sha256').update(text).digest().subarray(0, 16);
}

/**
 * Refused: the gateway itself closed the connection on its access rules (Envoy's network RBAC filter,
 * "rbac_access_denied…"). Other failures (upstream unreachable) were admitted, and count as use.
 */
export function isRefused(line: ConnectionLine): boolean {
  return (line.connection_termination_details ?? '').startsWith('rbac_access_denied');
}

export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** The source as the table names it: the service when attributed, else the address. */
export function sourceKeyOf(r: ResolvedLine): string {
  return r.serviceId ? `service:${r.serviceId}` : `ip:${r.line.source_address}`;
}

export function rollUp(lines: readonly ResolvedLine[]): HourlyRow[] {
  const rows = new Map<string, HourlyRow>();
  for (const r of lines) {
    const hour = hourOf(r.start);
    const sourceKey = sourceKeyOf(r);
    const id = `${hour}|${r.destinationId}|${r.line.listener_port}|${sourceKey}`;
    const end = r.start + r.line.duration_ms;
    let row = rows.get(id);
    if (!row) {
      row = {
        hour: new Date(hour),
        destinationId: r.destinationId,
        port: r.line.listener_port,
        sourceKey,
        serviceId: r.serviceId,
        sourceNamespace: r.namespace,
        sourceIp: r.serviceId ? null : r.line.source_address,
        grantId: r.grantId,
        connections: 0,
        refused: 0,
        bytesSent: 0,
        bytesReceived: 0,
        firstSeen: new Date(r.start),
        lastSeen: new Date(end),
      };
      rows.set(id, row);
    }
    row.connections++;
    if (isRefused(r.line)) row.refused++;
    // As the gateway counts them: bytes_sent went to the client, bytes_received came from it.
    row.bytesSent += r.line.bytes_sent;
    row.bytesReceived += r.line.bytes_received;
    if (r.start < row.firstSeen.getTime()) row.firstSeen = new Date(r.start);
    if (end > row.lastSeen.getTime()) row.lastSeen = new Date(end);
    row.grantId ??= r.grantId;
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** The registered service a pod belongs to (see usage.attribution.ts). */
export type PodAttributor = (pod: PodInfo) => { id: string } | null;
