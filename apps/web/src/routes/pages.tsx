// The console's pages under the signed-in frame. Each entry is thin: a path, its search-param schema and
// a lazily loaded page component, so every page is its own chunk and the first load stays small.
import {
  AUDIT_ACTIONS,
  AUDIT_TARGET_TYPES,
  DELIVERY_STATUSES,
  GRANT_STATES,
  SensitivitySchema,
} from '@egress/shared';
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';

import { SINCE_PRESETS } from '../features/blocked/blocked-filter.ts';
import { pageSearchShape, searchEnum, searchText } from '../lib/search.ts';
import { appRoute } from './app.tsx';

const parent = () => appRoute;
const dateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);
const flag = searchEnum(['true']);
const inboxSearchShape = {
  sensitivity: SensitivitySchema.optional().catch(undefined),
  portWide: searchEnum(['true', 'false']),
  team: searchText,
  waiting: flag,
};
const portNumber = z.coerce.number().int().min(1).max(65535).optional().catch(undefined);

export const dashboardRoute = createRoute({
  getParentRoute: parent,
  path: '/',
  component: lazyRouteComponent(
    () => import('../features/dashboard/components/dashboard-page.tsx'),
    'DashboardPage',
  ),
});

export const requestsRoute = createRoute({
  getParentRoute: parent,
  path: 'requests',
  validateSearch: z.object({
    view: searchEnum(['inbox', 'mine']),
    state: searchEnum(GRANT_STATES),
    ...inboxSearchShape,
    ...pageSearchShape,
  }),
  component: lazyRouteComponent(
    () => import('../features/grants/components/requests-page.tsx'),
    'RequestsPage',
  ),
});

export const requestNewRoute = createRoute({
  getParentRoute: parent,
  path: 'requests/new',
  validateSearch: z.object({
    service: searchText,
    destination: searchText,
    port: portNumber,
    /** "Request again": the earlier grant whose justification and duration prefill the form. */
    from: z.uuid().optional().catch(undefined),
  }),
  component: lazyRouteComponent(
    () => import('../features/grants/components/request-access-page.tsx'),
    'RequestAccessPage',
  ),
});

export const myAccessRoute = createRoute({
  getParentRoute: parent,
  path: 'my-access',
  validateSearch: z.object({ ...pageSearchShape }),
  component: lazyRouteComponent(
    () => import('../features/my-access/components/my-access-page.tsx'),
    'MyAccessPage',
  ),
});

export const grantsRoute = createRoute({
  getParentRoute: parent,
  path: 'grants',
  validateSearch: z.object({
    state: searchEnum([...GRANT_STATES, 'all']),
    service: searchText,
    destination: searchText,
    portWide: flag,
    unused: z.coerce.number().int().min(1).max(730).optional().catch(undefined),
    ...pageSearchShape,
  }),
  component: lazyRouteComponent(() => import('../features/grants/components/grants-page.tsx'), 'GrantsPage'),
});

export const grantRoute = createRoute({
  getParentRoute: parent,
  path: 'grants/$grantId',
  // The inbox's filters, when the review was opened from the inbox: the breadcrumb and "Approve & next"
  // walk the same filtered inbox.
  validateSearch: z.object({ from: searchEnum(['inbox']), ...inboxSearchShape }),
  component: lazyRouteComponent(
    () => import('../features/grants/components/grant-detail-page.tsx'),
    'GrantDetailPage',
  ),
});

export const servicesRoute = createRoute({
  getParentRoute: parent,
  path: 'services',
  validateSearch: z.object({ q: searchText, namespace: searchText, ...pageSearchShape }),
  component: lazyRouteComponent(
    () => import('../features/services/components/services-page.tsx'),
    'ServicesPage',
  ),
});

export const serviceRoute = createRoute({
  getParentRoute: parent,
  path: 'services/$serviceId',
  validateSearch: z.object({ state: searchEnum([...GRANT_STATES, 'all']), ...pageSearchShape }),
  component: lazyRouteComponent(
    () => import('../features/services/components/service-detail-page.tsx'),
    'ServiceDetailPage',
  ),
});

export const destinationsRoute = createRoute({
  getParentRoute: parent,
  path: 'destinations',
  validateSearch: z.object({
    q: searchText,
    sensitivity: SensitivitySchema.optional().catch(undefined),
    ...pageSearchShape,
  }),
  component: lazyRouteComponent(
    () => import('../features/destinations/components/destinations-page.tsx'),
    'DestinationsPage',
  ),
});

export const destinationRoute = createRoute({
  getParentRoute: parent,
  path: 'destinations/$destinationId',
  component: lazyRouteComponent(
    () => import('../features/destinations/components/destination-detail-page.tsx'),
    'DestinationDetailPage',
  ),
});

export const graphRoute = createRoute({
  getParentRoute: parent,
  path: 'graph',
  validateSearch: z.object({ namespace: searchText, destination: searchText, view: searchEnum(['table']) }),
  component: lazyRouteComponent(() => import('../features/graph/components/graph-page.tsx'), 'GraphPage'),
});

export const discoveryRoute = createRoute({
  getParentRoute: parent,
  path: 'discovery',
  validateSearch: z.object({
    q: searchText,
    namespace: searchText,
    source: searchEnum(['denied', 'observed']),
    days: z.coerce.number().int().min(1).max(90).optional().catch(undefined),
    ...pageSearchShape,
  }),
  component: lazyRouteComponent(
    () => import('../features/discovery/components/discovery-page.tsx'),
    'DiscoveryPage',
  ),
});

export const blockedRoute = createRoute({
  getParentRoute: parent,
  path: 'blocked',
  validateSearch: z.object({
    tab: searchEnum(['inbox', 'alerts', 'rules']),
    service: searchText,
    namespace: searchText,
    destination: searchText,
    known: searchEnum(['true', 'false']),
    since: searchEnum(SINCE_PRESETS),
    /** Alerts tab: open (default), or every alert including acknowledged ones. */
    alerts: searchEnum(['all']),
    ...pageSearchShape,
  }),
  component: lazyRouteComponent(
    () => import('../features/blocked/components/blocked-page.tsx'),
    'BlockedEgressPage',
  ),
});

export const reachRoute = createRoute({
  getParentRoute: parent,
  path: 'reach',
  validateSearch: z.object({ service: searchText, host: searchText, port: portNumber }),
  component: lazyRouteComponent(() => import('../features/explain/components/reach-page.tsx'), 'ReachPage'),
});

export const auditRoute = createRoute({
  getParentRoute: parent,
  path: 'audit',
  validateSearch: z.object({
    actor: searchText,
    action: searchEnum(AUDIT_ACTIONS),
    targetType: searchEnum(AUDIT_TARGET_TYPES),
    targetId: searchText,
    from: dateText,
    to: dateText,
    ...pageSearchShape,
  }),
  component: lazyRouteComponent(() => import('../features/audit/components/audit-page.tsx'), 'AuditPage'),
});

export const reconcileRoute = createRoute({
  getParentRoute: parent,
  path: 'reconcile',
  validateSearch: z.object(pageSearchShape),
  component: lazyRouteComponent(
    () => import('../features/reconcile/components/reconcile-page.tsx'),
    'ReconcilePage',
  ),
});

export const coverageRoute = createRoute({
  getParentRoute: parent,
  path: 'coverage',
  component: lazyRouteComponent(
    () => import('../features/namespace-coverage/components/coverage-page.tsx'),
    'CoveragePage',
  ),
});

export const usersRoute = createRoute({
  getParentRoute: parent,
  path: 'users',
  validateSearch: z.object(pageSearchShape),
  component: lazyRouteComponent(() => import('../features/users/components/users-page.tsx'), 'UsersPage'),
});

export const tokensRoute = createRoute({
  getParentRoute: parent,
  path: 'tokens',
  validateSearch: z.object({ all: flag, ...pageSearchShape }),
  component: lazyRouteComponent(() => import('../features/tokens/components/tokens-page.tsx'), 'TokensPage'),
});

export const webhooksRoute = createRoute({
  getParentRoute: parent,
  path: 'webhooks',
  validateSearch: z.object(pageSearchShape),
  component: lazyRouteComponent(
    () => import('../features/webhooks/components/webhooks-page.tsx'),
    'WebhooksPage',
  ),
});

export const webhookRoute = createRoute({
  getParentRoute: parent,
  path: 'webhooks/$webhookId',
  validateSearch: z.object({ status: searchEnum(DELIVERY_STATUSES), ...pageSearchShape }),
  component: lazyRouteComponent(
    () => import('../features/webhooks/components/webhook-detail-page.tsx'),
    'WebhookDetailPage',
  ),
});

export const settingsRoute = createRoute({
  getParentRoute: parent,
  path: 'settings',
  component: lazyRouteComponent(
    () => import('../features/settings/components/settings-page.tsx'),
    'SettingsPage',
  ),
});
