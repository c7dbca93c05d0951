// The blocked-egress inbox: blocked_flows rows (one per dedup window) grouped over their windows into
// one row per (service or unattributed namespace, destination, port, protocol). Grouping happens in
// the database over the rows seen since `since` (the last_seen index bounds the scan); only the page is
// joined to names. "Known" is decided when read, against live destinations, so registering a
// destination turns its existing groups known.
import type { BlockedEgressGroup, BlockedEgressQuerySchema } from '@egress/shared';
import type { z } from 'zod';

import { Prisma, type Db } from '../../platform/db.ts';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.ts';

type Query = z.output<typeof BlockedEgressQuerySchema>;
const sql = Prisma.sql;

interface GroupRow {
  key: string;
  service_id: string | null;
  service: string | null;
  source_namespace: string;
  source_workload: string | null;
  dest_key: string;
  dest_name: string | null;
  dest_ip: string | null;
  destination_id: string | null;
  port: number;
  protocol: 'TCP' | 'UDP';
  count: bigint;
  first_seen: Date;
  last_seen: Date;
}

function toGroup(r: GroupRow): BlockedEgressGroup {
  return {
    key: r.key,
    serviceId: r.service_id,
    service: r.service,
    sourceNamespace: r.source_namespace,
    sourceWorkload: r.source_workload,
    destination: r.dest_key,
    destName: r.dest_name,
    destIp: r.dest_ip,
    destinationId: r.destination_id,
    known: r.destination_id !== null,
    port: r.port,
    protocol: r.protocol,
    count: Number(r.count > 2_147_483_647n ? 2_147_483_647n : r.count),
    firstSeen: r.first_seen.toISOString(),
    lastSeen: r.last_seen.toISOString(),
  };
}

/** LIKE pattern matching `text` anywhere, with LIKE's wildcards in it taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Conditions on the rows, before grouping. */
function rowFilter(q: Query, since: Date): Prisma.Sql {
  const parts = [sql`f.last_seen >= ${since}`];
  if (q.service === '-') parts.push(sql`f.service_id IS NULL`);
  else if (q.service) parts.push(sql`f.service_id IN (SELECT id FROM services WHERE name = ${q.service})`);
  if (q.namespace) parts.push(sql`f.source_namespace = ${q.namespace}`);
  if (q.destination) {
    const pattern = containing(q.destination.trim().toLowerCase());
    parts.push(sql`(f.dest_key LIKE ${pattern} OR f.dest_ip LIKE ${pattern})`);
  }
  return Prisma.join(parts, ' AND ');
}

/** Conditions on the groups: the known filter and the keyset cursor. */
function groupFilter(q: Query): Prisma.Sql {
  const parts = [sql`TRUE`];
  if (q.known) parts.push(q.known === 'true' ? sql`d.id IS NOT NULL` : sql`d.id IS NULL`);
  const after = decodeCursor(q.cursor);
  if (after) parts.push(sql`(g.last_seen, g.key) < (${new Date(after.key)}::timestamptz, ${after.id})`);
  return Prisma.join(parts, ' AND ');
}

export async function listBlockedEgress(db: Db, q: Query, defaultSince: Date): Promise<Page<BlockedEgressGroup>> {
  const since = q.since ? new Date(q.since) : defaultSince;
  const rows = await db.$queryRaw<GroupRow[]>`
    WITH g AS (
      SELECT f.service_id, f.source_namespace, f.dest_key, f.port, f.protocol,
             sum(f.count) AS count, min(f.first_seen) AS first_seen, max(f.last_seen) AS last_seen,
             max(f.dest_name) AS dest_name, max(f.dest_ip) AS dest_ip, max(f.source_workload) AS source_workload,
             md5(concat_ws('|', coalesce(f.service_id::text, '-'), f.source_namespace, f.dest_key, f.port, f.protocol)) AS key
      FROM blocked_flows f
      WHERE ${rowFilter(q, since)}
      GROUP BY f.service_id, f.source_namespace, f.dest_key, f.port, f.protocol)
    SELECT g.key, g.service_id, s.name AS service, g.source_namespace, g.source_workload, g.dest_key, g.dest_name, g.dest_ip,
           d.id AS destination_id, g.port, g.protocol::text AS protocol, g.count, g.first_seen, g.last_seen
    FROM g
    LEFT JOIN destinations d ON d.host = g.dest_name AND d.deleted_at IS NULL
    LEFT JOIN services s ON s.id = g.service_id
    WHERE ${groupFilter(q)}
    ORDER BY g.last_seen DESC, g.key DESC
    LIMIT ${q.limit + 1}`;
  return toPage(rows, q.limit, toGroup, (r) => [r.last_seen.toISOString(), r.key]);
}
