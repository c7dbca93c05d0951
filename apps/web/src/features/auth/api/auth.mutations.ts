import type { LoginBody } from '@egress/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';
import { storeCsrfToken } from '../../../lib/csrf.ts';
import { authKeys } from './auth.queries.ts';

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBody) => api.login({ body }),
    // Wrong credentials are shown on the form itself, not as a toast.
    meta: { inlineError: true },
    onSuccess: (result) => {
      storeCsrfToken(result.csrfToken);
      queryClient.clear();
      queryClient.setQueryData(authKeys.me(), result.user);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.logout(),
    onSettled: () => {
      storeCsrfToken(null);
      queryClient.clear();
    },
  });
}
