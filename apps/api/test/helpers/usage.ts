// Evidence rows for the discovery and impact tests, written with SQL: gateway usage (the table the
// gateway-connections ingest fills; its own tests cover the writing) and denied flows (what the flows
// ingest stores). The seam between those writers and the readers under test.
import type { Db } from '../../src/platform/db.ts';

export interface UsageRow {
  destinationId: string;
  port?: number;
  /** A registered service (source_key 'service:<id>'), or null with `sourceIp` (unattributed). */
  serviceId: string | null;
  sourceIp?: string;
  sourceNamespace?: string | null;
  grantId?: string | null;
  connections?: number;
  lastSeen: Date;
}

export async function insertUsage(db: Db, r: UsageRow): Promise<void> {
  const hour = new Date(Math.floor(r.lastSeen.getTime() / 3_600_000) * 3_600_000);
  const sourceKey = r.serviceId ? `service:${r.serviceId}` : `ip:${r.sourceIp ?? '10.244.7.7'}`;
  await db.$executeRaw`
    INSERT INTO gateway_usage_hourly (hour, destination_id, port, source_key, service_id, source_namespace,
                                      source_ip, grant_id, connections, refused, bytes_sent, bytes_received,
                                      first_seen, last_seen)
    VALUES (${hour}, ${r.destinationId}::uuid, ${r.port ?? 443}, ${sourceKey}, ${r.serviceId}::uuid,
            ${r.sourceNamespace ?? null}, ${r.sourceIp ?? '10.244.7.7'}, ${r.grantId ?? null}::uuid,
            ${r.connections ?? 1}, 0, 100, 200, ${r.lastSeen}, ${r.lastSeen})`;
}

export interface DeniedRow {
  serviceId: string | null;
  sourceNamespace: string;
  host: string;
  destinationId?: string | null;
  port?: number;
  count?: number;
  lastSeen: Date;
}

export async function insertDenied(db: Db, r: DeniedRow): Promise<void> {
  await db.$executeRaw`
    INSERT INTO blocked_flows (id, service_id, source_namespace, dest_key, dest_name, destination_id, port,
                               protocol, window_start, first_seen, last_seen, count, reporter)
    VALUES (gen_random_uuid(), ${r.serviceId}::uuid, ${r.sourceNamespace}, ${r.host}, ${r.host},
            ${r.destinationId ?? null}::uuid, ${r.port ?? 443}, 'TCP', ${r.lastSeen}, ${r.lastSeen},
            ${r.lastSeen}, ${r.count ?? 1}, 'test')`;
}
