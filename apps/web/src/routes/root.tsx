import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, Link, Outlet } from '@tanstack/react-router';

import { Toaster } from '../components/ui/toast.tsx';

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

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: () => (
    <>
      <Outlet />
      <Toaster />
    </>
  ),
  notFoundComponent: NotFound,
});
