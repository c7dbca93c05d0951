import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, Link, Outlet, useRouterState } from '@tanstack/react-router';
import { useEffect } from 'react';

import { Toaster } from '../components/ui/toast.tsx';
import { APP_NAME, documentTitle } from './titles.ts';

export interface RouterContext {
  queryClient: QueryClient;
}

function NotFound() {
  return (
    <main className="page-center">
      <h1>Page not found</h1>
      <p className="muted">Nothing lives at this address.</p>
      <Link to="/" className="btn">
        Go to the dashboard
      </Link>
    </main>
  );
}

/** The tab names the page the person is on (the deepest matched route; "Egress Control" when none). */
function DocumentTitle() {
  const id = useRouterState({ select: (s) => s.matches.at(-1)?.routeId });
  useEffect(() => {
    // Only the root matched: no page lives at this address.
    document.title = id === '__root__' ? `Page not found · ${APP_NAME}` : documentTitle(id);
  }, [id]);
  return null;
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: () => (
    <>
      <DocumentTitle />
      <Outlet />
      <Toaster />
    </>
  ),
  notFoundComponent: NotFound,
});
