import type { RenewGrantBody } from '@egress/shared';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { grantKeys } from '../../grants/api/grants.queries.ts';

export const notificationKeys = { all: ['notifications'] as const };

/** Decisions on my requests, newest first, with how many I have not seen (the nav badge reads it too). */
export function notificationsQuery() {
  return queryOptions({
    queryKey: notificationKeys.all,
    queryFn: ({ signal }) => api.listMyNotifications({ query: { limit: 20 } }, { signal }),
  });
}

export function useMarkSeen() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (at: string | undefined) => api.markNotificationsSeen({ body: at ? { at } : {} }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useRenewGrant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: RenewGrantBody }) =>
      api.renewGrant({ params: { id }, body }),
    meta: { inlineError: true },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: grantKeys.all }),
  });
}
