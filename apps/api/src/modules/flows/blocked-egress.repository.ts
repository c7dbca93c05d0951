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
           COALESCE(w.first_seen, p.last_seen) AS first_seen, p.last_seen
    FROM page p
    LEFT JOIN services s ON s.id = p.service_id
    CROSS JOIN LATERAL (
      SELECT sum(f.count) AS count, min(f.first_seen) AS first_seen
      FROM blocked_flows f WHERE f.group_key = p.key AND f.last_seen >= ${since}) w
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
