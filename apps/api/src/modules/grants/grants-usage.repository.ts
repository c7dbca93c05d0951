// The grants' usage (issue 15), from the gateways' hourly connection roll-up (gateway_usage_hourly):
// what the grant object says about use, and which active grants nothing used. Spread into the grants
// repository, so callers keep one repository.
import { type Db, Prisma, type Tx } from '../../platform/db.ts';

const sql = Prisma.sql;

/** A grant's usage as the API returns it (see GrantUsageSchema). */
export interface GrantUsageFigures {
  lastUsedAt: string | null;
  usage: { last24h: { connections: number; bytes: number }; last30d: { connections: number; bytes: number } };
}

const HOUR_MS = 3_600_000;
const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);

/**
 * "No connection since `since`" for grant g: no hourly row of it last seen since then. The hour bound
 * (a day before) keeps the look-up on the (grant_id, hour) index; a connection is filed under the hour
 * it started, so one that lasted more than a day before `since` is not seen (a known limit).
 * Port-wide grants use no gateway, so there is no evidence either way: never "unused". A grant never
 * used counts from its activation (decided_at of an active grant).
 */
export function unusedSql(since: Date): Prisma.Sql {
  return sql`g.state = 'active' AND g.destination_id IS NOT NULL AND g.decided_at <= ${since}
    AND NOT EXISTS (SELECT 1 FROM gateway_usage_hourly u WHERE u.grant_id = g.id
                    AND u.hour >= ${new Date(floorHour(since).getTime() - 24 * HOUR_MS)} AND u.last_seen >= ${since})`;
}

export function createGrantUsageRepository(db: Db) {
  return {
    /**
     * Usage of these grants (those to a destination): last connection, and connections and bytes of the
     * last 24 whole hours and 30 days. One statement for a page, on the (grant_id, hour) index.
     */
    async usageOf(ids: string[], now: Date, tx: Tx | Db = db): Promise<Map<string, GrantUsageFigures>> {
      if (ids.length === 0) return new Map();
      const h24 = new Date(floorHour(now).getTime() - 23 * HOUR_MS);
      const d30 = new Date(floorHour(now).getTime() - (30 * 24 - 1) * HOUR_MS);
      const rows = await tx.$queryRaw<
        { grant_id: string; last_used: Date | null; c24: bigint; b24: bigint; c30: bigint; b30: bigint }[]
      >`SELECT grant_id, max(last_seen) AS last_used,
               COALESCE(sum(connections) FILTER (WHERE hour >= ${h24}), 0)::bigint AS c24,
               COALESCE(sum(bytes_sent + bytes_received) FILTER (WHERE hour >= ${h24}), 0)::bigint AS b24,
               COALESCE(sum(connections) FILTER (WHERE hour >= ${d30}), 0)::bigint AS c30,
               COALESCE(sum(bytes_sent + bytes_received) FILTER (WHERE hour >= ${d30}), 0)::bigint AS b30
        FROM gateway_usage_hourly WHERE grant_id = ANY(${ids}::uuid[]) GROUP BY grant_id`;
      return new Map(
        rows.map((r) => [
          r.grant_id,
          {
            lastUsedAt: r.last_used?.toISOString() ?? null,
            usage: {
              last24h: { connections: Number(r.c24), bytes: Number(r.b24) },
              last30d: { connections: Number(r.c30), bytes: Number(r.b30) },
            },
          },
        ]),
      );
    },

    /** Active grants no connection used since `since` (see unusedSql), oldest activation first. */
    findUnused(since: Date, limit: number, tx: Tx | Db = db): Promise<{ id: string }[]> {
      return tx.$queryRaw<{ id: string }[]>`
        SELECT g.id FROM grants g WHERE ${unusedSql(since)} ORDER BY g.decided_at, g.id LIMIT ${limit}`;
    },

    /** Whether the grant is still unused since `since` (checked again under its row lock). */
    async isUnused(id: string, since: Date, tx: Tx | Db = db): Promise<boolean> {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        SELECT g.id FROM grants g WHERE g.id = ${id}::uuid AND ${unusedSql(since)}`;
      return rows.length === 1;
    },
  };
}
