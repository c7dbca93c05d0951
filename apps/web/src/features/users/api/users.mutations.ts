import type { CreateUserBody, UpdateUserBody } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { userKeys } from './users.queries.ts';

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserBody) => api.createUser({ body }),
    meta: { inlineError: true },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateUserBody }) =>
      api.updateUser({ params: { id }, body }),
    meta: { errorTitle: 'The user was not changed' },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}
