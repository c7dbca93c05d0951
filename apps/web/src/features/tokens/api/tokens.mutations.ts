import type { CreateTokenBody, CreatedToken } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { tokenKeys } from './tokens.queries.ts';

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTokenBody) => api<CreatedToken>('/api/v1/tokens', { method: 'POST', body }),
    meta: { inlineError: true },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<undefined>(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    meta: { errorTitle: 'The token was not revoked' },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}
