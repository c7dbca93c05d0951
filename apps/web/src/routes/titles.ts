// The name of every page, for the browser tab and history ("Grants · Egress Control"). Keyed by route id
// and checked against the route tree: a page added to route-tree.ts without a title here fails the
// typecheck, and the accessibility spec (e2e/a11y.spec.ts) reads this list to visit every page.
// Pure data (type-only imports), so the Playwright specs can import it.
import type { RouteIds } from '@tanstack/react-router';

import type { routeTree } from './route-tree.ts';

/** Every route a person can open: the root and the signed-in frame are layouts, not pages. */
export type PageId = Exclude<RouteIds<typeof routeTree>, '__root__' | '/_app'>;

export const APP_NAME = 'Egress Control';

export const PAGE_TITLES = {
  '/sign-in': 'Sign in',
  '/_app/': 'Dashboard',
  '/_app/requests': 'Requests',
  '/_app/requests/new': 'Request access',
  '/_app/my-access': 'My access',
  '/_app/grants': 'Grants',
  '/_app/grants/$grantId': 'Grant',
  '/_app/services': 'Services',
  '/_app/services/$serviceId': 'Service',
  '/_app/destinations': 'Destinations',
  '/_app/destinations/$destinationId': 'Destination',
  '/_app/graph': 'Access graph',
  '/_app/blocked': 'Blocked egress',
  '/_app/discovery': 'Discovered egress',
  '/_app/reach': 'Can it reach?',
  '/_app/audit': 'Audit log',
  '/_app/reconcile': 'Reconcile',
  '/_app/coverage': 'Namespace coverage',
  '/_app/users': 'Users',
  '/_app/tokens': 'API tokens',
  '/_app/webhooks': 'Webhooks',
  '/_app/webhooks/$webhookId': 'Webhook',
  '/_app/settings': 'Settings',
} as const satisfies Record<PageId, string>;

/** "Grants · Egress Control"; the bare name where no page matched (not found). */
export function documentTitle(id: string | undefined): string {
  const page = id && id in PAGE_TITLES ? PAGE_TITLES[id as PageId] : undefined;
  return page ? `${page} · ${APP_NAME}` : APP_NAME;
}

/** "/_app/grants/$grantId" -> "/grants/$grantId": the path a person types. */
export function pathOf(id: PageId): string {
  const path = id.replace(/^\/_app/, '');
  return path === '' ? '/' : path;
}
