import { queryOptions } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';

export const settingsKeys = {
  all: ['settings'] as const,
  detail: () => [...settingsKeys.all, 'detail'] as const,
};

export function settingsQuery() {
  return queryOptions({
    queryKey: settingsKeys.detail(),
    queryFn: ({ signal }) => api.getSettings(undefined, { signal }),
  });
}
