import { appRoute } from './app.tsx';
import * as pages from './pages.tsx';
import { rootRoute } from './root.tsx';
import { signInRoute } from './sign-in.tsx';

export const routeTree = rootRoute.addChildren([
  signInRoute,
  appRoute.addChildren([
    pages.dashboardRoute,
    pages.requestsRoute,
    pages.requestNewRoute,
    pages.myAccessRoute,
    pages.grantsRoute,
    pages.grantRoute,
    pages.servicesRoute,
    pages.serviceRoute,
    pages.destinationsRoute,
    pages.destinationRoute,
    pages.graphRoute,
    pages.blockedRoute,
    pages.discoveryRoute,
    pages.reachRoute,
    pages.auditRoute,
    pages.reconcileRoute,
    pages.coverageRoute,
    pages.usersRoute,
    pages.tokensRoute,
    pages.webhooksRoute,
    pages.webhookRoute,
    pages.settingsRoute,
  ]),
]);
