// The reads of an approver's review that are not grants: the requester, the service's identity, the
// destination as registered, and the denied flows that show the need (from the flows module's table).
import type { DeniedFlowSummary, Protocol, Sensitivity } from '@egress/shared';

import { type Db, Prisma, type Tx } from '../../platform/db.ts';

const sql = Prisma.sql;

interface FlowRow {
  destination: string;
  address: string | null;
  port: number;
  protocol: Protocol;
  workload: string | null;
  count: bigint | number;
  first_seen: Date;
  last_seen: Date;
}

export interface ReviewSubjects {
  requester: { email: string; name: string };
  service: {
    id: string;
    name: string;
    namespace: string;
    selector: { matchLabels: Record<string, string> };
    serviceAccount: string | null;
    team: string | null;
    description: string | null;
  };
  destination: {
    id: string;
    host: string;
    description: string | null;
    sensitivity: Sensitivity;
    ports: { port: number; protocol: Protocol }[];
  } | null;
}

export function createGrantReviewRepository(db: Db) {
  return {
    /** The requester, service and destination of a grant (deleted ones too: history must still read). */
    async subjects(
      g: { requestedById: string; serviceId: string; destinationId: string | null },
      tx: Tx | Db = db,
    ): Promise<ReviewSubjects | null> {
      const [user, service, destination] = await Promise.all([
        tx.user.findUnique({ where: { id: g.requestedById }, select: { email: true, name: true } }),
        tx.service.findUnique({ where: { id: g.serviceId } }),
        g.destinationId
          ? tx.destination.findUnique({
              where: { id: g.destinationId },
              include: { ports: { orderBy: [{ port: 'asc' }, { protocol: 'asc' }] } },
            })
          : null,
      ]);
      if (!user || !service) return null;
      const selector = service.selector as { matchLabels?: Record<string, string> } | null;
      return {
        requester: user,
        service: {
          id: service.id,
          name: service.name,
          namespace: service.namespace,
          selector: { matchLabels: selector?.matchLabels ?? {} },
          serviceAccount: service.serviceAccount,
          team: service.team,
          description: service.description,
        },
        destination: destination
          ? {
              id: destination.id,
              host: destination.host,
              description: destination.description,
              sensitivity: destination.sensitivity,
              ports: destination.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
            }
          : null,
      };
    },

    /**
     * Denied flows of the service since `since`, one line per destination, port and protocol, newest
     * first: to this host (by name or by the destination it was attributed to), or for a port-wide
     * request to any host on its port.
     */
    async deniedFlows(
      q: { serviceId: string; host: string | null; destinationId: string | null; port: number; since: Date },
      limit: number,
      tx: Tx | Db = db,
    ): Promise<DeniedFlowSummary[]> {
      const target =
        q.host === null
          ? sql`f.port = ${q.port}`
          : sql`(f.dest_key = ${q.host} OR f.destination_id = ${q.destinationId}::uuid)`;
      const rows = await tx.$queryRaw<FlowRow[]>`
        SELECT f.dest_key AS destination, max(f.dest_ip) AS address, f.port, f.protocol::text AS protocol,
               (array_agg(f.source_workload ORDER BY f.last_seen DESC) FILTER (WHERE f.source_workload IS NOT NULL))[1] AS workload,
               sum(f.count) AS count, min(f.first_seen) AS first_seen, max(f.last_seen) AS last_seen
        FROM blocked_flows f
        WHERE f.service_id = ${q.serviceId}::uuid AND f.last_seen >= ${q.since} AND ${target}
        GROUP BY f.dest_key, f.port, f.protocol
        ORDER BY max(f.last_seen) DESC, f.dest_key, f.port
        LIMIT ${limit}`;
      return rows.map((r) => ({
        destination: r.destination,
        address: r.address,
        port: r.port,
        protocol: r.protocol,
        workload: r.workload,
        count: Math.min(Number(r.count), 2_147_483_647),
        firstSeen: r.first_seen.toISOString(),
        lastSeen: r.last_seen.toISOString(),
      }));
    },
  };
}

export type GrantReviewRepository = ReturnType<typeof createGrantReviewRepository>;
