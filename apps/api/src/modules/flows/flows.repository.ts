// SQL of the ingest path. Ingest is a hot path (batches of 5,000 records from every collector), so it
// is a fixed number of statements per batch whatever its size: one read of the services and one of
// the destinations it can touch, one upsert of all its windows (arrays unnested, ON CONFLICT adding
// to the count) and one of their groups. Prisma's createMany/upsert would be one statement per row.
import type { Db, Tx } from '../../platform/db.ts';
import type { FlowRow } from './flows.aggregate.ts';
import type { AttributableService } from './flows.attribution.ts';

interface ServiceRow {
  id: string;
  name: string;
  namespace: string;
  selector: { matchLabels?: Record<string, string> } | null;
}

export interface AttributionContext {
  services: AttributableService[];
  /** host → id of the live destination with that host. */
  knownHosts: Map<string, string>;
}

// The dedup key of blocked_flows (unique index blocked_flows_window_key, NULLS NOT DISTINCT so that
// unattributed rows, service_id NULL, merge too).
const UPSERT = `
  INSERT INTO blocked_flows (id, service_id, source_namespace, source_workload, dest_key, dest_name, dest_ip, destination_id,
                             port, protocol, window_start, first_seen, last_seen, count, reporter)
  SELECT gen_random_uuid(), r.*
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[],
              $8::int[], $9::"Protocol"[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::int[], $14::text[]) AS r
  ON CONFLICT (service_id, source_namespace, dest_key, port, protocol, window_start) DO UPDATE SET
    count = LEAST(blocked_flows.count::bigint + EXCLUDED.count, 2147483647)::int,
    first_seen = LEAST(blocked_flows.first_seen, EXCLUDED.first_seen),
    last_seen = GREATEST(blocked_flows.last_seen, EXCLUDED.last_seen),
    source_workload = CASE WHEN EXCLUDED.last_seen >= blocked_flows.last_seen
                           THEN COALESCE(EXCLUDED.source_workload, blocked_flows.source_workload)
                           ELSE COALESCE(blocked_flows.source_workload, EXCLUDED.source_workload) END,
    dest_ip = COALESCE(blocked_flows.dest_ip, EXCLUDED.dest_ip),
    destination_id = EXCLUDED.destination_id,
    reporter = CASE WHEN EXCLUDED.last_seen >= blocked_flows.last_seen THEN EXCLUDED.reporter ELSE blocked_flows.reporter END`;

// Then the inbox's groups (blocked_egress_groups, one row per blocked_flows.group_key), from the windows
// just written, in the same statement: the newest sighting decides the workload and address shown.
// Groups go in key order, so concurrent batches lock shared groups in one order, as they do windows.
const UPSERT_WITH_GROUPS = `
  WITH w AS (${UPSERT}
    RETURNING group_key, service_id, source_namespace, source_workload, dest_key, dest_name, dest_ip, port, protocol, last_seen)
  INSERT INTO blocked_egress_groups AS g (key, service_id, source_namespace, source_workload, dest_key, dest_name, dest_ip, port, protocol, last_seen)
  SELECT DISTINCT ON (w.group_key) w.group_key, w.service_id, w.source_namespace, w.source_workload, w.dest_key, w.dest_name, w.dest_ip,
         w.port, w.protocol, w.last_seen
  FROM w
  ORDER BY w.group_key, w.last_seen DESC
  ON CONFLICT (key) DO UPDATE SET
    last_seen = GREATEST(g.last_seen, EXCLUDED.last_seen),
    source_workload = CASE WHEN EXCLUDED.last_seen >= g.last_seen THEN COALESCE(EXCLUDED.source_workload, g.source_workload)
                           ELSE COALESCE(g.source_workload, EXCLUDED.source_workload) END,
    dest_ip = CASE WHEN EXCLUDED.last_seen >= g.last_seen THEN COALESCE(EXCLUDED.dest_ip, g.dest_ip)
                   ELSE COALESCE(g.dest_ip, EXCLUDED.dest_ip) END,
    dest_name = COALESCE(g.dest_name, EXCLUDED.dest_name)`;

export function createFlowsRepository(db: Db) {
  /** The live services of the batch's namespaces, and the live destinations among its names. */
  async function attributionContext(namespaces: string[], names: string[]): Promise<AttributionContext> {
    const [services, destinations] = await Promise.all([
      db.$queryRaw<
        ServiceRow[]
      >`SELECT id, name, namespace, selector FROM services WHERE deleted_at IS NULL AND namespace = ANY(${namespaces}::text[])`,
      names.length === 0
        ? []
        : db.$queryRaw<
            { id: string; host: string }[]
          >`SELECT id, host FROM destinations WHERE deleted_at IS NULL AND host = ANY(${names}::text[])`,
    ]);
    return {
      // A selector without labels would select every pod of its namespace; the API never stores one.
      services: services
        .map((s) => ({
          id: s.id,
          name: s.name,
          namespace: s.namespace,
          matchLabels: s.selector?.matchLabels ?? {},
        }))
        .filter((s) => Object.keys(s.matchLabels).length > 0),
      knownHosts: new Map(destinations.map((d) => [d.host, d.id])),
    };
  }

  /** Adds the rows to their windows (new keys inserted, existing ones counted up), then to their groups. */
  async function upsert(tx: Tx, rows: readonly FlowRow[]): Promise<void> {
    if (rows.length === 0) return;
    const column = <T>(pick: (r: FlowRow) => T) => rows.map(pick);
    await tx.$executeRawUnsafe(
      UPSERT_WITH_GROUPS,
      column((r) => r.serviceId),
      column((r) => r.sourceNamespace),
      column((r) => r.sourceWorkload),
      column((r) => r.destKey),
      column((r) => r.destName),
      column((r) => r.destIp),
      column((r) => r.destinationId),
      column((r) => r.port),
      column((r) => r.protocol),
      column((r) => r.windowStart),
      column((r) => r.firstSeen),
      column((r) => r.lastSeen),
      column((r) => r.count),
      column((r) => r.reporter),
    );
  }

  return { attributionContext, upsert };
}

export type FlowsRepository = ReturnType<typeof createFlowsRepository>;

/**
 * Builds the groups of windows written around the ingest path (a benchmark's bulk load); the ingest
 * keeps groups current itself. Existing groups are left as they are.
 */
export function buildMissingGroups(db: Db): Promise<number> {
  return db.$executeRaw`
    INSERT INTO blocked_egress_groups (key, service_id, source_namespace, source_workload, dest_key, dest_name, dest_ip, port, protocol, last_seen)
    SELECT DISTINCT ON (group_key) group_key, service_id, source_namespace, source_workload, dest_key, dest_name, dest_ip, port, protocol, last_seen
    FROM blocked_flows
    ORDER BY group_key, last_seen DESC
    ON CONFLICT (key) DO NOTHING`;
}
