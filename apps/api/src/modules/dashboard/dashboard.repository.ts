// The health strip's reads: expiring and port-wide grants (the grants' state index), the drift healed
// lately (audit_events' action index), and the atomic re-apply (the run row and its audit row).
// Each method takes an optional transaction.
import type { GrantBrief, HealedDrift } from '@egress/shared';

import { type Db, Prisma, type Tx } from '../../platform/db.ts';

const LIST = 10;

interface GrantRow {
  id: string;
  service: string;
  namespace: string;
  destination: string | null;
  port: number;
  expires_at: Date | null;
  total: bigint;
}

const toBrief = (r: GrantRow): GrantBrief => ({
  id: r.id,
  service: r.service,
  namespace: r.namespace,
  destination: r.destination,
  port: r.port,
  expiresAt: r.expires_at?.toISOString() ?? null,
});

export interface GrantGroup {
  count: number;
  items: GrantBrief[];
}

async function activeGrants(tx: Tx | Db, where: Prisma.Sql): Promise<GrantGroup> {
  const rows = await tx.$queryRaw<GrantRow[]>`
    SELECT g.id, s.name AS service, s.namespace, d.host AS destination, g.port, g.expires_at,
           count(*) OVER () AS total
    FROM grants g
    JOIN services s ON s.id = g.service_id
    LEFT JOIN destinations d ON d.id = g.destination_id
    WHERE g.state = 'active' AND ${where}
    ORDER BY g.expires_at NULLS LAST, g.id
    LIMIT ${LIST}`;
  return { count: Number(rows[0]?.total ?? 0n), items: rows.map(toBrief) };
}

export function createDashboardRepository(db: Db) {
  return {
    /** Active grants that expire after `now` and by `until`. */
    expiring: (now: Date, until: Date, tx: Tx | Db = db) =>
      activeGrants(tx, Prisma.sql`g.expires_at > ${now} AND g.expires_at <= ${until}`),

    /** Active port-wide grants (any host on a port). */
    portWide: (tx: Tx | Db = db) => activeGrants(tx, Prisma.sql`g.destination_id IS NULL`),

    /** Drift found (and healed) by runs since `since`, newest first, from the audit log. */
    async healedDrift(since: Date, tx: Tx | Db = db): Promise<HealedDrift[]> {
      const rows = await tx.$queryRaw<{ at: Date; after: Record<string, unknown> }[]>`
        SELECT at, after FROM audit_events
        WHERE action = 'reconcile.drift_detected' AND at >= ${since}
        ORDER BY seq DESC
        LIMIT ${LIST}`;
      const str = (v: unknown): string => (typeof v === 'string' ? v : '');
      return rows.map(({ at, after }) => ({
        at: at.toISOString(),
        runId: str(after['runId']),
        kind: str(after['kind']),
        namespace: typeof after['namespace'] === 'string' ? after['namespace'] : null,
        name: str(after['name']),
        change: after['change'] === 'deleted' ? 'deleted' : 'modified',
        fields: Array.isArray(after['fields']) ? (after['fields'] as HealedDrift['fields']) : [],
        managers: Array.isArray(after['managers']) ? (after['managers'] as string[]) : [],
      }));
    },
  };
}

export type DashboardRepository = ReturnType<typeof createDashboardRepository>;
