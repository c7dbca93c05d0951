import type { Settings } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { settingsKeys } from './settings.queries.ts';

export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<Settings>) => api.updateSettings({ body: patch }),
    meta: { inlineError: true },
    onSuccess: (settings) => {
      queryClient.setQueryData(settingsKeys.detail(), settings);
      void queryClient.invalidateQueries({ queryKey: ['reconcile'] });
    },
  });
}
