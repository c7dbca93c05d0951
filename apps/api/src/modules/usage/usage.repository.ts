// SQL of the gateway-connection ingest and its retention. Like the denied-flow ingest, a fixed number of
// statements per batch whatever its size: three reads (destinations by gateway, services of the
// namespaces the batch's pods are in, the active grants of those destinations), one insert of the dedup
// keys that answers which are new, one upsert of the hourly rows (arrays unnested).
import type { Db, Tx } from '../../platform/db.ts';
import type { HourlyRow } from './usage.aggregate.ts';
import type { RegisteredService } from './usage.attribution.ts';

export interface GatewayDestination {
  id: string;
  host: string;
  gatewayName: string;
}

export interface ActiveGrant {
  id: string;
  serviceId: string;
  destinationId: string;
  port: number;
}

/**
 * Grants whose last use one statement moves: a revoke that needs one of their rows waits for at most one
 * such statement (a few milliseconds).
 */
const GRANT_MARK_CHUNK = 200;

const MARK_SEEN = `
  INSERT INTO gateway_connection_seen (key, start_hour)
  SELECT decode(t.k, 'hex'), t.h FROM unnest($1::text[], $2::timestamptz[]) AS t(k, h)
  ON CONFLICT (key) DO NOTHING
  RETURNING encode(key, 'hex') AS key`;

const UPSERT_HOURLY = `
  INSERT INTO gateway_usage_hourly AS u (hour, destination_id, port, source_key, service_id, source_namespace, source_ip,
                                         grant_id, connections, refused, bytes_sent, bytes_received, first_seen, last_seen)
  SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::int[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::uuid[],
                       $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::timestamptz[], $14::timestamptz[])
  ON CONFLICT (hour, destination_id, port, source_key) DO UPDATE SET
    connections = u.connections + EXCLUDED.connections,
    refused = u.refused + EXCLUDED.refused,
    bytes_sent = u.bytes_sent + EXCLUDED.bytes_sent,
    bytes_received = u.bytes_received + EXCLUDED.bytes_received,
    first_seen = LEAST(u.first_seen, EXCLUDED.first_seen),
    last_seen = GREATEST(u.last_seen, EXCLUDED.last_seen),
    grant_id = COALESCE(EXCLUDED.grant_id, u.grant_id),
    source_namespace = COALESCE(EXCLUDED.source_namespace, u.source_namespace)`;

interface ServiceRow {
  id: string;
  name: string;
  namespace: string;
  selector: { matchLabels?: Record<string, string> } | null;
  service_account: string | null;
}

export function createUsageRepository(db: Db) {
  return {
    /** The live destinations served by these gateways. */
    destinationsByGateway(names: string[]): Promise<GatewayDestination[]> {
      return db.$queryRaw<GatewayDestination[]>`
        SELECT id, host, gateway_name AS "gatewayName" FROM destinations
        WHERE deleted_at IS NULL AND gateway_name = ANY(${names}::text[])`;
    },

    async servicesIn(namespaces: string[]): Promise<RegisteredService[]> {
      if (namespaces.length === 0) return [];
      const rows = await db.$queryRaw<ServiceRow[]>`
        SELECT id, name, namespace, selector, service_account FROM services
        WHERE deleted_at IS NULL AND namespace = ANY(${namespaces}::text[])`;
      return rows.map((s) => ({
        id: s.id,
        name: s.name,
        namespace: s.namespace,
        matchLabels: s.selector?.matchLabels ?? {},
        serviceAccount: s.service_account,
      }));
    },

    /** Active grants to these destinations (port-wide grants use no gateway: never here). */
    activeGrants(destinationIds: string[]): Promise<ActiveGrant[]> {
      return db.$queryRaw<ActiveGrant[]>`
        SELECT id, service_id AS "serviceId", destination_id AS "destinationId", port FROM grants
        WHERE state = 'active' AND destination_id = ANY(${destinationIds}::uuid[])`;
    },

    /** Records the keys; returns those not recorded before (hex). Keys sorted by the caller. */
    async markSeen(tx: Tx, keys: string[], startHours: Date[]): Promise<Set<string>> {
      if (keys.length === 0) return new Set();
      const rows = await tx.$queryRawUnsafe<{ key: string }[]>(MARK_SEEN, keys, startHours);
      return new Set(rows.map((r) => r.key));
    },

    /** Adds the rows to their hours (new keys inserted, existing ones counted up). */
    async upsertHourly(tx: Tx, rows: readonly HourlyRow[]): Promise<void> {
      if (rows.length === 0) return;
      const column = <T>(pick: (r: HourlyRow) => T) => rows.map(pick);
      await tx.$executeRawUnsafe(
        UPSERT_HOURLY,
        column((r) => r.hour),
        column((r) => r.destinationId),
        column((r) => r.port),
        column((r) => r.sourceKey),
        column((r) => r.serviceId),
        column((r) => r.sourceNamespace),
        column((r) => r.sourceIp),
        column((r) => r.grantId),
        column((r) => r.connections),
        column((r) => r.refused),
        column((r) => r.bytesSent),
        column((r) => r.bytesReceived),
        column((r) => r.firstSeen),
        column((r) => r.lastSeen),
      );
    },

    /**
     * Moves each grant's last_used_at to the end of its latest connection, only where that is more than an
     * hour after the stored value: a grant in steady use is rewritten about once an hour, not on every
     * batch, so the ingest holds few grant row locks (approvals and revokes lock those rows). Sorted by
     * id and in chunks, each its own short statement.
     */
    async markGrantsUsed(lastSeen: ReadonlyMap<string, Date>): Promise<number> {
      const ids = [...lastSeen.keys()].sort();
      let updated = 0;
      for (let i = 0; i < ids.length; i += GRANT_MARK_CHUNK) {
        const chunk = ids.slice(i, i + GRANT_MARK_CHUNK);
        const times = chunk.map((id) => lastSeen.get(id) as Date);
        updated += await db.$executeRaw`
          UPDATE grants g SET last_used_at = v.t
          FROM unnest(${chunk}::uuid[], ${times}::timestamptz[]) AS v(id, t)
          WHERE g.id = v.id AND (g.last_used_at IS NULL OR g.last_used_at < v.t - interval '1 hour')`;
      }
      return updated;
    },

    /** Deletes up to `batch` hourly rows before `cutoff`; SKIP LOCKED leaves rows an ingest holds. */
    deleteUsageBefore(cutoff: Date, batch: number, tx: Tx | Db = db): Promise<number> {
      return tx.$executeRaw`
        DELETE FROM gateway_usage_hourly WHERE ctid IN (
          SELECT ctid FROM gateway_usage_hourly WHERE hour < ${cutoff} ORDER BY hour LIMIT ${batch} FOR UPDATE SKIP LOCKED)`;
    },

    /** Deletes up to `batch` dedup keys of connections started before `cutoff`. */
    deleteSeenBefore(cutoff: Date, batch: number, tx: Tx | Db = db): Promise<number> {
      return tx.$executeRaw`
        DELETE FROM gateway_connection_seen WHERE key IN (
          SELECT key FROM gateway_connection_seen WHERE start_hour < ${cutoff} ORDER BY start_hour LIMIT ${batch} FOR UPDATE SKIP LOCKED)`;
    },
  };
}

export type UsageRepository = ReturnType<typeof createUsageRepository>;
