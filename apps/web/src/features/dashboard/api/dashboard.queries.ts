import type { Grant } from '@egress/shared';
import { queryOptions } from '@tanstack/react-query';

import { fetchAll } from '../../../lib/pagination.ts';
import { fetchActivity } from './activity.ts';

export const dashboardKeys = {
  all: ['dashboard'] as const,
  activity: (days: number, source: 'audit' | 'grants') =>
    [...dashboardKeys.all, 'activity', days, source] as const,
  count: (what: string) => [...dashboardKeys.all, 'count', what] as const,
};

export function activityQuery(days: number, canReadAudit: boolean) {
  return queryOptions({
    queryKey: dashboardKeys.activity(days, canReadAudit ? 'audit' : 'grants'),
    queryFn: ({ signal }) => fetchActivity(days, canReadAudit, signal),
    staleTime: 60_000,
  });
}

/** Active grants, counted page by page up to 1000 ("1000+" beyond). */
export function activeGrantCountQuery() {
  return queryOptions({
    queryKey: dashboardKeys.count('active-grants'),
    queryFn: async ({ signal }) => {
      const page = await fetchAll<Grant>('/api/v1/grants', { state: 'active' }, 1000, signal);
      return { count: page.items.length, truncated: page.truncated };
    },
  });
}
