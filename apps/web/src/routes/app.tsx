import { createRoute, redirect } from '@tanstack/react-router';

import { AppShell } from '../app/layout/app-shell.tsx';
import { meQueryOptions } from '../features/auth/api/auth.queries.ts';
import { isApiError } from '../lib/api-client.ts';
import { rootRoute } from './root.tsx';

/** The signed-in frame: every page below it knows who the user is before it renders. */
export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_app',
  beforeLoad: async ({ context, location }) => {
    try {
      const me = await context.queryClient.query({ ...meQueryOptions(), staleTime: 'static' });
      return { me };
    } catch (error) {
      if (!isApiError(error) || error.status !== 401) throw error;
      // TanStack Router's redirect() is a value made to be thrown.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw redirect({ to: '/sign-in', search: { redirect: location.href } });
    }
  },
  component: AppShell,
});
