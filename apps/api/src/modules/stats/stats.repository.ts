// The dashboard's counts, each one statement the database answers from an index (the grant states, the
// partial index on unacknowledged alerts, blocked_flows' last_seen, audit_events' at). Each method takes
// an optional transaction.
import type { Db, Tx } from '../../platform/db.ts';

export function createStatsRepository(db: Db) {
  return {
    countGrants: (state: 'pending' | 'active', tx: Tx | Db = db): Promise<number> =>
      tx.grant.count({ where: { state } }),

    async oldestPendingAt(tx: Tx | Db = db): Promise<Date | null> {
      const row = await tx.grant.findFirst({
        where: { state: 'pending' },
        orderBy: { requestedAt: 'asc' },
        select: { requestedAt: true },
      });
      return row?.requestedAt ?? null;
    },

    countDestinations: (sensitiveOnly: boolean, tx: Tx | Db = db): Promise<number> =>
      tx.destination.count({
        where: sensitiveOnly ? { deletedAt: null, sensitivity: 'sensitive' } : { deletedAt: null },
      }),

    countServices: (tx: Tx | Db = db): Promise<number> => tx.service.count({ where: { deletedAt: null } }),

    /** Open alerts, and the denied connections counted since `since`. */
    async blocked(since: Date, tx: Tx | Db = db): Promise<{ openAlerts: number; blockedFlows: number }> {
      const [row] = await tx.$queryRaw<{ open_alerts: bigint; blocked: bigint | null }[]>`
        SELECT (SELECT count(*) FROM alerts WHERE acknowledged_at IS NULL) AS open_alerts,
               (SELECT sum(count) FROM blocked_flows WHERE last_seen >= ${since}) AS blocked`;
      return { openAlerts: Number(row?.open_alerts ?? 0n), blockedFlows: Number(row?.blocked ?? 0n) };
    },

    /** Grant requests, activations and rejections per UTC day (YYYY-MM-DD) since `from`, from the audit log. */
    grantActionsByDay(from: Date, tx: Tx | Db = db): Promise<{ day: string; action: string; n: bigint }[]> {
      return tx.$queryRaw<{ day: string; action: string; n: bigint }[]>`
      SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, action, count(*) AS n
      FROM audit_events
      WHERE at >= ${from} AND action IN ('grant.requested', 'grant.activated', 'grant.rejected')
      GROUP BY 1, 2`;
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;
