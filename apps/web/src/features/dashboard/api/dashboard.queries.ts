import type { StatsSummary } from '@egress/shared';
import { queryOptions } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';

// Aggregates come from the API (computed in the database); the console never pages through lists to count.
export const dashboardKeys = {
  all: ['dashboard'] as const,
  summary: () => [...dashboardKeys.all, 'summary'] as const,
  activity: (days: number) => [...dashboardKeys.all, 'activity', days] as const,
};

/** Pending (and the oldest one), active grants, destinations, services: the cards and the nav badge. */
export function summaryQuery() {
  return queryOptions({
    queryKey: dashboardKeys.summary(),
    queryFn: ({ signal }) => api.statsSummary(undefined, { signal }),
    staleTime: 30_000,
  });
}

/** Requests and decisions per UTC day, oldest first, `days` (1-90) ending today. */
export function activityQuery(days: number) {
  return queryOptions({
    queryKey: dashboardKeys.activity(days),
    queryFn: ({ signal }) => api.grantActivity({ query: { days } }, { signal }),
    staleTime: 60_000,
  });
}

/**
 * The summary's denied-flow counts. Read defensively: an API from before denied-flow visibility does
 * not send them, and the console then says "n/a" instead of a made-up zero.
 */
interface VisibilityCounts {
  openAlerts?: unknown;
  blockedFlows24h?: unknown;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function openAlertsOf(summary: StatsSummary | undefined): number | undefined {
  return count((summary as VisibilityCounts | undefined)?.openAlerts);
}

export function blockedFlows24hOf(summary: StatsSummary | undefined): number | undefined {
  return count((summary as VisibilityCounts | undefined)?.blockedFlows24h);
}

/** The lead's health strip: coverage, drift, failing webhooks, expiring and port-wide grants (one call). */
export function healthQuery() {
  return queryOptions({
    queryKey: [...dashboardKeys.all, 'health'] as const,
    queryFn: ({ signal }) => api.dashboardHealth(undefined, { signal }),
    staleTime: 15_000,
  });
}
