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
 * What can be unused at all: an active grant to a destination (a port-wide grant uses no gateway, so
 * there is no evidence either way), active since before `since` (a grant never used counts from its
 * activation, decided_at of an active grant).
 */
function activeBefore(since: Date): Prisma.Sql {
  return sql`g.state = 'active' AND g.destination_id IS NOT NULL AND g.decided_at <= ${since}`;
}

/**
 * "No connection since `since`" for grant g, from the hourly roll-up: exact, a look-up per grant on the
 * (grant_id, hour) index (the hour bound, a day before, keeps it there; a connection is filed under the
 * hour it started, so one that lasted more than a day before `since` is not seen: a known limit). For
 * one grant under its row lock (the unused-grant policy's last check before it acts).
 */
export function unusedExactSql(since: Date): Prisma.Sql {
  return sql`${activeBefore(since)}
    AND NOT EXISTS (SELECT 1 FROM gateway_usage_hourly u WHERE u.grant_id = g.id
                    AND u.hour >= ${new Date(floorHour(since).getTime() - 24 * HOUR_MS)} AND u.last_seen >= ${since})`;
}

/**
 * The same, from the grant row's last_used_at (a column check while a list walks its index, where the
 * exact form probes the roll-up for every active grant: 46 ms a page when nearly all are used, bench/usage).
 * The ingest keeps last_used_at at most an hour behind the last connection, so a grant counts as unused
 * only when its stored use is more than an hour before `since`: it may show up to an hour late, never
 * while it is in use.
 */
export function unusedSql(since: Date): Prisma.Sql {
  return sql`${activeBefore(since)}
    AND (g.last_used_at IS NULL OR g.last_used_at < ${new Date(since.getTime() - HOUR_MS)})`;
}

/** The first hours of the 24 h and 30 d windows that end with the hour of `now`. */
function windowsAt(now: Date): { h24: Date; d30: Date } {
  return {
    h24: new Date(floorHour(now).getTime() - 23 * HOUR_MS),
    d30: new Date(floorHour(now).getTime() - (30 * 24 - 1) * HOUR_MS),
  };
}

/** The usage columns selectGrants adds for each page row (see usageJoinSql). */
export interface UsageColumns {
  usage_last_used?: Date | null;
  usage_c24?: bigint | null;
  usage_b24?: bigint;
  usage_c30?: bigint;
  usage_b30?: bigint;
}

/**
 * Usage read in the same statement as the grants (alias g): one aggregate per page row on the
 * (grant_id, hour) index, instead of a second statement and round trip per page (the list is the API's
 * hottest read, bench/api). Port-wide grants get no row: they use no gateway.
 */
export function usageJoinSql(now: Date): { columns: Prisma.Sql; join: Prisma.Sql } {
  const { h24, d30 } = windowsAt(now);
  return {
    columns: sql`, us.last_used AS usage_last_used, us.c24 AS usage_c24, us.b24 AS usage_b24,
               us.c30 AS usage_c30, us.b30 AS usage_b30`,
    join: sql`LEFT JOIN LATERAL (
        SELECT max(u.last_seen) AS last_used,
               COALESCE(sum(u.connections) FILTER (WHERE u.hour >= ${h24}), 0)::bigint AS c24,
               COALESCE(sum(u.bytes_sent + u.bytes_received) FILTER (WHERE u.hour >= ${h24}), 0)::bigint AS b24,
               COALESCE(sum(u.connections) FILTER (WHERE u.hour >= ${d30}), 0)::bigint AS c30,
               COALESCE(sum(u.bytes_sent + u.bytes_received) FILTER (WHERE u.hour >= ${d30}), 0)::bigint AS b30
        FROM gateway_usage_hourly u WHERE u.grant_id = g.id
        HAVING g.destination_id IS NOT NULL) us ON TRUE`,
  };
}

/** A page row's usage figures, or nothing for a port-wide grant or a row read without them. */
export function usageFromColumns(
  r: UsageColumns & { destination_id: string | null },
): GrantUsageFigures | null {
  if (r.destination_id === null || r.usage_c24 === undefined || r.usage_c24 === null) return null;
  return {
    lastUsedAt: r.usage_last_used?.toISOString() ?? null,
    usage: {
      last24h: { connections: Number(r.usage_c24), bytes: Number(r.usage_b24 ?? 0) },
      last30d: { connections: Number(r.usage_c30 ?? 0), bytes: Number(r.usage_b30 ?? 0) },
    },
  };
}

export function createGrantUsageRepository(db: Db) {
  return {
    /**
     * A grant's usage (last connection, connections and bytes of the last 24 whole hours and 30 days),
     * as the list reads it (usageJoinSql); null for a port-wide grant.
     */
    async usageOf(id: string, now: Date, tx: Tx | Db = db): Promise<GrantUsageFigures | null> {
      const { columns, join } = usageJoinSql(now);
      const rows = await tx.$queryRaw<(UsageColumns & { destination_id: string | null })[]>`
        SELECT g.destination_id ${columns} FROM grants g ${join} WHERE g.id = ${id}::uuid`;
      return rows[0] ? usageFromColumns(rows[0]) : null;
    },

    /** Active grants no connection used since `since` (see unusedSql), oldest activation first. */
    findUnused(since: Date, limit: number, tx: Tx | Db = db): Promise<{ id: string }[]> {
      return tx.$queryRaw<{ id: string }[]>`
        SELECT g.id FROM grants g WHERE ${unusedSql(since)} ORDER BY g.decided_at, g.id LIMIT ${limit}`;
    },

    /** Whether the grant is still unused since `since`, exactly (checked again under its row lock). */
    async isUnused(id: string, since: Date, tx: Tx | Db = db): Promise<boolean> {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        SELECT g.id FROM grants g WHERE g.id = ${id}::uuid AND ${unusedExactSql(since)}`;
      return rows.length === 1;
    },
  };
}
