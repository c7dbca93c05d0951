import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRouter } from '@tanstack/react-router';

import { ErrorPanel } from '../components/ui/error-panel.tsx';
import { BlockSkeleton } from '../components/ui/skeleton.tsx';
import { onUnauthorized } from '../lib/api-client.ts';
import { storeCsrfToken } from '../lib/csrf.ts';
import { parseSearch, stringifySearch } from '../lib/search.ts';
import { routeTree } from '../routes/route-tree.ts';

export function createAppRouter(queryClient: QueryClient) {
  const router = createRouter({
    routeTree,
    context: { queryClient },
    parseSearch,
    stringifySearch,
    // TanStack Query owns freshness; the router only coordinates.
    defaultPreloadStaleTime: 0,
    defaultPreload: 'intent',
    defaultPendingComponent: () => (
      <div className="page">
        <BlockSkeleton lines={6} />
      </div>
    ),
    defaultErrorComponent: ({ error }) => (
      <div className="page">
        <ErrorPanel error={error} what="this page" />
      </div>
    ),
    Wrap: ({ children }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>,
  });

  // A session that ends mid-use (expired, signed out elsewhere): back to sign-in, remembering the page.
  onUnauthorized(() => {
    const here = router.state.location;
    if (here.pathname === '/sign-in') return;
    storeCsrfToken(null);
    queryClient.clear();
    void router.navigate({ to: '/sign-in', search: { redirect: here.href }, replace: true });
  });
  return router;
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
