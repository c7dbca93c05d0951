// The blocked-egress inbox: one row per group (service or unattributed namespace, destination, port,
// protocol). The page is cut from blocked_egress_groups along its (last_seen, key) index, so a page
// costs the same whatever the history holds; then only the page's windows (blocked_flows, by
// group_key) are summed for counts and first sightings since `since`. "Known" is decided when read,
// against live destinations, so registering a destination turns its existing groups known. The
// retention sweep deletes from both tables here too.
import type { BlockedEgressGroup, BlockedEgressQuerySchema } from '@egress/shared';
import type { z } from 'zod';

import { type Db, Prisma, type Tx } from '../../platform/db.ts';
import { keysetSql, type Page, toPage } from '../../platform/pagination.ts';

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
  destination_ports: number[] | null;
  access_grant_id: string | null;
  access_state: NonNullable<BlockedEgressGroup['access']>['state'] | null;
  access_approvals: bigint | null;
  access_required: number | null;
  access_reason: string | null;
  access_at: Date | null;
  access_proposed: boolean | null;
}

function accessOf(r: GroupRow): BlockedEgressGroup['access'] {
  if (!r.access_grant_id || !r.access_state || !r.access_at) return null;
  return {
    grantId: r.access_grant_id,
    state: r.access_state,
    approvals: Number(r.access_approvals ?? 0),
    requiredApprovals: r.access_required ?? 1,
    reason: r.access_reason,
    at: r.access_at.toISOString(),
    proposed: r.access_proposed ?? false,
  };
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
    destinationPorts: r.destination_id === null ? null : (r.destination_ports ?? []),
    access: accessOf(r),
  };
}

/** LIKE pattern matching `text` anywhere, with LIKE's wildcards in it taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Conditions on the groups: what they are, when last seen, the known filter and the keyset cursor. */
function groupFilter(q: Query, since: Date): Prisma.Sql {
  const parts = [sql`g.last_seen >= ${since}`];
  if (q.service === '-') parts.push(sql`g.service_id IS NULL`);
  else if (q.service) parts.push(sql`g.service_id IN (SELECT id FROM services WHERE name = ${q.service})`);
  if (q.namespace) parts.push(sql`g.source_namespace = ${q.namespace}`);
  if (q.destination) {
    const pattern = containing(q.destination.trim().toLowerCase());
    parts.push(sql`(g.dest_key LIKE ${pattern} OR g.dest_ip LIKE ${pattern})`);
  }
  if (q.known) parts.push(q.known === 'true' ? sql`d.id IS NOT NULL` : sql`d.id IS NULL`);
  parts.push(
    keysetSql(
      sql`g.last_seen, g.key`,
      q.cursor,
      'desc',
      (k, key) => sql`${new Date(k)}::timestamptz, ${key}`,
    ),
  );
  return Prisma.join(parts, ' AND ');
}

/**
 * The state of access for each row (issue 18), one lateral look-up per row of the page (grants by
 * service, then port and host): the newest active grant, else the newest pending request (a renewal
 * or a proposal for the host included), else the newest closed one. A request for an unregistered host
 * is matched by the host it proposes.
 */
const accessJoin = sql`
    LEFT JOIN LATERAL (
      SELECT gr.id, gr.state::text AS state, gr.required_approvals, gr.reason,
             COALESCE(gr.decided_at, gr.requested_at) AS at, gr.proposed_host IS NOT NULL AS proposed,
             (SELECT count(*) FROM grant_approvals ga WHERE ga.grant_id = gr.id) AS approvals
      FROM grants gr
      WHERE p.service_id IS NOT NULL AND gr.service_id = p.service_id AND gr.port = p.port
        AND (gr.destination_id = p.destination_id OR gr.proposed_host = p.dest_name)
      ORDER BY CASE gr.state WHEN 'active' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END,
               gr.requested_at DESC, gr.id DESC
      LIMIT 1) acc ON TRUE`;

/**
 * `retentionStart` bounds `since`: older windows are gone (or about to be), so counting from before it
 * would count a group's remaining windows only.
 */
async function list(db: Db | Tx, q: Query, retentionStart: Date): Promise<Page<BlockedEgressGroup>> {
  const asked = q.since ? new Date(q.since) : retentionStart;
  const since = asked > retentionStart ? asked : retentionStart;
  const rows = await db.$queryRaw<GroupRow[]>`
    WITH page AS (
      SELECT g.key, g.service_id, g.source_namespace, g.source_workload, g.dest_key, g.dest_name, g.dest_ip,
             g.port, g.protocol, g.last_seen, d.id AS destination_id
      FROM blocked_egress_groups g
      LEFT JOIN destinations d ON d.host = g.dest_name AND d.deleted_at IS NULL
      WHERE ${groupFilter(q, since)}
      ORDER BY g.last_seen DESC, g.key DESC
      LIMIT ${q.limit + 1})
    SELECT p.key, p.service_id, s.name AS service, p.source_namespace, p.source_workload, p.dest_key, p.dest_name, p.dest_ip,
           p.destination_id, p.port, p.protocol::text AS protocol, COALESCE(w.count, 0) AS count,
           COALESCE(w.first_seen, p.last_seen) AS first_seen, p.last_seen,
           (SELECT array_agg(DISTINCT dp.port ORDER BY dp.port) FROM destination_ports dp
             WHERE dp.destination_id = p.destination_id) AS destination_ports,
           acc.id AS access_grant_id, acc.state AS access_state, acc.approvals AS access_approvals,
           acc.required_approvals AS access_required, acc.reason AS access_reason, acc.at AS access_at,
           acc.proposed AS access_proposed
    FROM page p
    LEFT JOIN services s ON s.id = p.service_id
    CROSS JOIN LATERAL (
      SELECT sum(f.count) AS count, min(f.first_seen) AS first_seen
      FROM blocked_flows f WHERE f.group_key = p.key AND f.last_seen >= ${since}) w
    ${accessJoin}
    ORDER BY p.last_seen DESC, p.key DESC`;
  return toPage(rows, q.limit, toGroup, (r) => [r.last_seen.toISOString(), r.key]);
}

export function createBlockedEgressRepository(db: Db) {
  return {
    /**
     * A page of the inbox. `retentionStart` bounds `since`: older windows are gone (or about to be), so
     * counting from before it would count a group's remaining windows only.
     */
    list: (q: Query, retentionStart: Date, tx: Tx | Db = db) => list(tx, q, retentionStart),

    /**
     * Deletes up to `batch` windows (blocked_flows rows) last seen before `cutoff`, along the last_seen
     * index; returns how many. SKIP LOCKED: rows an ingest is counting up right now are left for later,
     * and sweeps on several replicas do not queue.
     */
    deleteWindowsBefore(cutoff: Date, batch: number, tx: Tx | Db = db): Promise<number> {
      return tx.$executeRaw`
        DELETE FROM blocked_flows WHERE id IN (
          SELECT id FROM blocked_flows WHERE last_seen < ${cutoff} ORDER BY last_seen LIMIT ${batch} FOR UPDATE SKIP LOCKED)`;
    },

    /** Deletes up to `batch` inbox groups last seen before `cutoff`, like deleteWindowsBefore. */
    deleteGroupsBefore(cutoff: Date, batch: number, tx: Tx | Db = db): Promise<number> {
      return tx.$executeRaw`
        DELETE FROM blocked_egress_groups WHERE key IN (
          SELECT key FROM blocked_egress_groups WHERE last_seen < ${cutoff} ORDER BY last_seen LIMIT ${batch} FOR UPDATE SKIP LOCKED)`;
    },
  };
}

export type BlockedEgressRepository = ReturnType<typeof createBlockedEgressRepository>;
