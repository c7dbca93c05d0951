import type { GrantActivity, StatsSummary } from '@egress/shared';

import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';

const DAY_MS = 86_400_000;

/** Aggregates for the dashboard, computed in the database so the console never scans lists. */
export function createStatsService({ db, clock }: { db: Db; clock: Clock }) {
  async function summary(): Promise<StatsSummary> {
    const [pending, oldest, active, destinations, sensitive, services, blocked] = await Promise.all([
      db.grant.count({ where: { state: 'pending' } }),
      db.grant.findFirst({ where: { state: 'pending' }, orderBy: { requestedAt: 'asc' }, select: { requestedAt: true } }),
      db.grant.count({ where: { state: 'active' } }),
      db.destination.count({ where: { deletedAt: null } }),
      db.destination.count({ where: { deletedAt: null, sensitivity: 'sensitive' } }),
      db.service.count({ where: { deletedAt: null } }),
      blockedSummary(),
    ]);
    return {
      pendingGrants: pending,
      oldestPendingAt: oldest?.requestedAt.toISOString() ?? null,
      activeGrants: active,
      destinations,
      sensitiveDestinations: sensitive,
      services,
      ...blocked,
    };
  }

  /** Open alerts (partial index on unacknowledged alerts) and denied flows of the last day (last_seen index). */
  async function blockedSummary(): Promise<{ openAlerts: number; blockedFlows24h: number }> {
    const since = new Date(clock.now().getTime() - DAY_MS);
    const [row] = await db.$queryRaw<{ open_alerts: bigint; blocked: bigint | null }[]>`
      SELECT (SELECT count(*) FROM alerts WHERE acknowledged_at IS NULL) AS open_alerts,
             (SELECT sum(count) FROM blocked_flows WHERE last_seen >= ${since}) AS blocked`;
    return { openAlerts: Number(row?.open_alerts ?? 0n), blockedFlows24h: Number(row?.blocked ?? 0n) };
  }

  /** Per UTC day: grants requested, grants that became active, grants rejected (from the audit log). */
  async function grantActivity(days: number): Promise<GrantActivity> {
    const today = Math.floor(clock.now().getTime() / DAY_MS) * DAY_MS;
    const from = new Date(today - (days - 1) * DAY_MS);
    const rows = await db.$queryRaw<{ day: string; action: string; n: bigint }[]>`
      SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, action, count(*) AS n
      FROM audit_events
      WHERE at >= ${from} AND action IN ('grant.requested', 'grant.activated', 'grant.rejected')
      GROUP BY 1, 2`;
    const byDay = new Map<string, { requested: number; approved: number; rejected: number }>();
    for (let i = 0; i < days; i++) byDay.set(new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10), { requested: 0, approved: 0, rejected: 0 });
    for (const r of rows) {
      const entry = byDay.get(r.day);
      if (!entry) continue;
      const n = Number(r.n);
      if (r.action === 'grant.requested') entry.requested += n;
      else if (r.action === 'grant.activated') entry.approved += n;
      else entry.rejected += n;
    }
    return { days: [...byDay].map(([date, counts]) => ({ date, ...counts })) };
  }

  return { summary, grantActivity };
}

export type StatsService = ReturnType<typeof createStatsService>;
