// Traffic seen without a grant (issue 15), from two sources: the collectors' denied flows
// (blocked_flows, attributed to a service) and the gateways' usage without a grant (gateway_usage_hourly
// rows with grant_id NULL: an observe-mode gateway admitted them). One row per (service, host, port):
// the discovered-egress view pages these rows; the impact of enforcing a destination or a namespace is
// the same rows narrowed to it. A row disappears once the service holds an active grant for it.
import { type Db, Prisma, type Tx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { keysetSql } from '../../platform/pagination.ts';

const sql = Prisma.sql;

export interface UngrantedRow {
  key: string;
  service_id: string;
  service: string;
  namespace: string;
  destination_id: string | null;
  host: string;
  port: number;
  denied: bigint;
  observed: bigint;
  last_seen: Date;
  pending_grant_id: string | null;
}

export interface UngrantedFilter {
  since: Date;
  now: Date;
  destinationId?: string | undefined;
  namespace?: string | undefined;
  source?: 'denied' | 'observed' | undefined;
  /** Substring of the service name or the host (LIKE pattern, escaped by the caller). */
  like?: string | undefined;
  cursor?: string | undefined;
}

/** LIKE pattern matching `text` anywhere, with LIKE's wildcards in it taken literally. */
export function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function evidence(f: UngrantedFilter): Prisma.Sql {
  const denied = sql`
    SELECT bf.service_id, bf.destination_id, coalesce(d.host, bf.dest_key) AS host, bf.port,
           sum(bf.count)::bigint AS denied, 0::bigint AS observed, max(bf.last_seen) AS last_seen
      FROM blocked_flows bf LEFT JOIN destinations d ON d.id = bf.destination_id AND d.deleted_at IS NULL
     WHERE bf.service_id IS NOT NULL AND bf.last_seen >= ${f.since}
       ${f.destinationId ? sql`AND bf.destination_id = ${f.destinationId}::uuid` : sql``}
     GROUP BY 1, 2, 3, 4`;
  // The hour bound lets the (hour) index cut the scan; last_seen keeps the exact window.
  const observed = sql`
    SELECT u.service_id, u.destination_id, d.host, u.port,
           0::bigint AS denied, sum(u.connections)::bigint AS observed, max(u.last_seen) AS last_seen
      FROM gateway_usage_hourly u JOIN destinations d ON d.id = u.destination_id AND d.deleted_at IS NULL
     WHERE u.grant_id IS NULL AND u.service_id IS NOT NULL
       AND u.hour >= date_trunc('hour', ${f.since}::timestamptz) AND u.last_seen >= ${f.since}
       ${f.destinationId ? sql`AND u.destination_id = ${f.destinationId}::uuid` : sql``}
     GROUP BY 1, 2, 3, 4`;
  if (f.source === 'denied') return denied;
  if (f.source === 'observed') return observed;
  return sql`${denied} UNION ALL ${observed}`;
}

function conditions(f: UngrantedFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [
    // Still without access: no active, unexpired grant for it (a port-wide one for an unregistered host).
    sql`NOT EXISTS (SELECT 1 FROM grants g
          WHERE g.service_id = r.service_id AND g.port = r.port AND g.state = 'active'
            AND (g.expires_at IS NULL OR g.expires_at > ${f.now})
            AND (g.destination_id = r.destination_id OR (r.destination_id IS NULL AND g.destination_id IS NULL)))`,
  ];
  if (f.namespace !== undefined) parts.push(sql`s.namespace = ${f.namespace}`);
  if (f.like !== undefined) parts.push(sql`(s.name LIKE ${f.like} OR r.host LIKE ${f.like})`);
  parts.push(keysetSql(sql`r.last_seen, r.key`, f.cursor, 'desc', (k, id) => sql`${cursorTime(k)}, ${id}`));
  return Prisma.join(parts, ' AND ');
}

/** The cursor's time; a cursor this API did not write (a key that is no time) is a 400, not a 500. */
function cursorTime(key: string | number): Date {
  const at = new Date(String(key));
  if (typeof key !== 'string' || Number.isNaN(at.getTime()))
    throw new AppError('validation_failed', 'query.cursor is not a cursor this API returned', [
      { field: 'query.cursor', message: 'is not a cursor this API returned' },
    ]);
  return at;
}

export function createDiscoveryRepository(db: Db) {
  return {
    /** Rows newest first (last seen, then key), at most `limit` + 1 (for toPage). */
    ungranted(f: UngrantedFilter, limit: number, tx: Tx | Db = db): Promise<UngrantedRow[]> {
      return tx.$queryRaw<UngrantedRow[]>`
        WITH ev AS (${evidence(f)}),
        r AS (
          SELECT ev.service_id, ev.host, ev.port,
                 (array_agg(ev.destination_id) FILTER (WHERE ev.destination_id IS NOT NULL))[1] AS destination_id,
                 sum(ev.denied)::bigint AS denied, sum(ev.observed)::bigint AS observed,
                 max(ev.last_seen) AS last_seen,
                 ev.service_id::text || '|' || ev.host || '|' || ev.port::text AS key
            FROM ev GROUP BY ev.service_id, ev.host, ev.port
        )
        SELECT r.key, r.service_id, s.name AS service, s.namespace, r.destination_id, r.host, r.port,
               r.denied, r.observed, r.last_seen,
               (SELECT g.id FROM grants g
                 WHERE g.service_id = r.service_id AND g.destination_id = r.destination_id
                   AND g.port = r.port AND g.state = 'pending' LIMIT 1) AS pending_grant_id
          FROM r JOIN services s ON s.id = r.service_id AND s.deleted_at IS NULL
         WHERE ${conditions(f)}
         ORDER BY r.last_seen DESC, r.key DESC
         LIMIT ${limit + 1}`;
    },

    /** Sources a destination's gateway admitted without a grant and could not attribute to a service. */
    unattributed(destinationId: string, since: Date, tx: Tx | Db = db) {
      return tx.$queryRaw<{ source_ip: string; port: number; connections: bigint; last_seen: Date }[]>`
        SELECT coalesce(u.source_ip, u.source_key) AS source_ip, u.port,
               sum(u.connections)::bigint AS connections, max(u.last_seen) AS last_seen
          FROM gateway_usage_hourly u
         WHERE u.destination_id = ${destinationId}::uuid AND u.grant_id IS NULL AND u.service_id IS NULL
           AND u.hour >= date_trunc('hour', ${since}::timestamptz) AND u.last_seen >= ${since}
         GROUP BY 1, 2
         ORDER BY max(u.last_seen) DESC, 1, 2
         LIMIT 200`;
    },

    /** A grant with what the impact of revoking it needs. */
    async grant(id: string, tx: Tx | Db = db) {
      const [row] = await tx.$queryRaw<
        {
          id: string;
          state: string;
          service_id: string;
          service: string;
          namespace: string;
          destination_id: string | null;
          host: string | null;
          mode: 'observe' | 'enforce' | null;
          port: number;
        }[]
      >`
        SELECT g.id, g.state::text AS state, g.service_id, s.name AS service, s.namespace, g.destination_id,
               d.host, d.mode, g.port
          FROM grants g JOIN services s ON s.id = g.service_id
          LEFT JOIN destinations d ON d.id = g.destination_id
         WHERE g.id = ${id}::uuid`;
      return row ?? null;
    },

    /** The connections a grant admitted since `since` (the gateways' usage rows that name it). */
    async grantUsage(grantId: string, since: Date, tx: Tx | Db = db) {
      const [row] = await tx.$queryRaw<{ connections: bigint | null; last_seen: Date | null }[]>`
        SELECT sum(u.connections)::bigint AS connections, max(u.last_seen) AS last_seen
          FROM gateway_usage_hourly u
         WHERE u.grant_id = ${grantId}::uuid
           AND u.hour >= date_trunc('hour', ${since}::timestamptz) AND u.last_seen >= ${since}`;
      return row ?? { connections: null, last_seen: null };
    },

    async destination(id: string, tx: Tx | Db = db) {
      return tx.destination.findFirst({
        where: { id, deletedAt: null },
        select: { id: true, host: true, mode: true },
      });
    },
  };
}

export type DiscoveryRepository = ReturnType<typeof createDiscoveryRepository>;
