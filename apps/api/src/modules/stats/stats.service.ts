import type { GrantActivity, StatsSummary } from '@egress/shared';

import type { Clock } from '../../platform/clock.ts';
import type { StatsRepository } from './stats.repository.ts';

const DAY_MS = 86_400_000;

/** Aggregates for the dashboard, computed in the database so the console never scans lists. */
export function createStatsService({ repo, clock }: { repo: StatsRepository; clock: Clock }) {
  async function summary(): Promise<StatsSummary> {
    const [pending, oldest, active, destinations, sensitive, services, blocked] = await Promise.all([
      repo.countGrants('pending'),
      repo.oldestPendingAt(),
      repo.countGrants('active'),
      repo.countDestinations(false),
      repo.countDestinations(true),
      repo.countServices(),
      blockedSummary(),
    ]);
    return {
      pendingGrants: pending,
      oldestPendingAt: oldest?.toISOString() ?? null,
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
    const { openAlerts, blockedFlows } = await repo.blocked(since);
    return { openAlerts, blockedFlows24h: blockedFlows };
  }

  /** Per UTC day: grants requested, grants that became active, grants rejected (from the audit log). */
  async function grantActivity(days: number): Promise<GrantActivity> {
    const today = Math.floor(clock.now().getTime() / DAY_MS) * DAY_MS;
    const from = new Date(today - (days - 1) * DAY_MS);
    const rows = await repo.grantActionsByDay(from);
    const byDay = new Map<string, { requested: number; approved: number; rejected: number }>();
    for (let i = 0; i < days; i++)
      byDay.set(new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10), {
        requested: 0,
        approved: 0,
        rejected: 0,
      });
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
