// The role table, as data. The API enforces it on every route (a route without an entry fails at
// start-up) and the console uses it to hide what a role cannot do. The server always decides.
import { type Role, roleAtLeast } from './roles.ts';

/** Each permission and the least role that holds it. */
export const PERMISSIONS = {
  'services.read': 'viewer',
  'services.write': 'engineer',
  'destinations.read': 'viewer',
  'destinations.write': 'approver',
  'destinations.forceDelete': 'admin',
  'grants.read': 'viewer',
  'grants.request': 'engineer',
  'grants.cancel': 'engineer',
  'grants.decide': 'approver',
  'audit.read': 'approver',
  'users.read': 'admin',
  'users.write': 'admin',
  'tokens.manage': 'viewer',
  'tokens.manageAll': 'admin',
  'settings.read': 'admin',
  'settings.write': 'admin',
  'manifests.read': 'viewer',
  'reconcile.read': 'viewer',
  'reconcile.run': 'approver',
  // Which namespaces are enforced: everyone may see what is and is not protected.
  'coverage.read': 'viewer',
  // Denied-flow visibility: engineers see why their services are blocked and request access from there.
  'blocked.read': 'engineer',
  'alerts.read': 'engineer',
  'alerts.acknowledge': 'approver',
  'alertRules.read': 'engineer',
  'alertRules.write': 'approver',
  'webhooks.read': 'admin',
  'webhooks.write': 'admin',
  // Scoped: held only by API tokens created with this scope (see SCOPED_PERMISSIONS); the role shown is
  // the least role that may mint such a token.
  'flows.ingest': 'admin',
  // Deleting a service that holds active grants revokes approved access: an approver's call (the route
  // is services.write; the service checks this one when the service has active grants).
  'services.deleteWithGrants': 'approver',
  'audit.seal': 'admin',
  // "Can my service reach that host?": engineers ask before requesting; everyone may see the answer.
  'explain.read': 'viewer',
  // Observe mode opens a destination to every pod of the cluster: a loosening, so an approver's call,
  // and an admin's for a sensitive destination (whose grants need two approvers: one approver must not
  // open it alone). The update route is destinations.write; the service checks these (docs/security.md).
  'destinations.observe': 'approver',
  'destinations.observeSensitive': 'admin',
  // Discovered egress and the impact of a revoke / enforcement: engineers, like the blocked-egress inbox.
  'discovery.read': 'engineer',
  'impact.read': 'engineer',
  // The lead's health strip (coverage, drift, failing webhooks, expiring and port-wide grants): what an
  // approver acts on; webhook URLs stay admin-only (the strip names failing webhooks without them).
  'health.read': 'approver',
  // Scoped like flows.ingest: the gateway access-log collector's token (POST /api/v1/gateway-connections).
  'usage.ingest': 'admin',
  // Decisions on the requests one filed (issue 18): everyone reads their own.
  'notifications.read': 'viewer',
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * Permissions no role holds by itself: only an API token created with the permission as a scope holds
 * it, and such a token holds nothing else. A flow collector's token can push denied flows and cannot
 * read grants; an admin's session cannot push flows by accident.
 */
export const SCOPED_PERMISSIONS = ['flows.ingest', 'usage.ingest'] as const satisfies readonly Permission[];
export type TokenScope = (typeof SCOPED_PERMISSIONS)[number];

export function isScopedPermission(permission: Permission): permission is TokenScope {
  return (SCOPED_PERMISSIONS as readonly Permission[]).includes(permission);
}

/** `public`: no credentials needed; `authenticated`: any signed-in role. */
export type RoutePolicy = Permission | 'public' | 'authenticated';

/**
 * Every route the API registers, keyed "METHOD /path" with Fastify's path syntax. The API refuses to
 * start with a route missing here, and a test checks each role's verdict on each route against it.
 */
export const ROUTE_POLICIES = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /api/v1/openapi.json': 'public',
  // The console's static files and client-side routes (only registered when apps/web is built).
  'GET /*': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'authenticated',
  'GET /api/v1/auth/me': 'authenticated',
  'GET /api/v1/users': 'users.read',
  'POST /api/v1/users': 'users.write',
  'GET /api/v1/users/:id': 'users.read',
  'PATCH /api/v1/users/:id': 'users.write',
  'GET /api/v1/tokens': 'tokens.manage',
  'POST /api/v1/tokens': 'tokens.manage',
  'DELETE /api/v1/tokens/:id': 'tokens.manage',
  'GET /api/v1/services': 'services.read',
  'POST /api/v1/services': 'services.write',
  'GET /api/v1/services/:id': 'services.read',
  'PATCH /api/v1/services/:id': 'services.write',
  'DELETE /api/v1/services/:id': 'services.write',
  'GET /api/v1/destinations': 'destinations.read',
  'POST /api/v1/destinations': 'destinations.write',
  'GET /api/v1/destinations/:id': 'destinations.read',
  'PATCH /api/v1/destinations/:id': 'destinations.write',
  'DELETE /api/v1/destinations/:id': 'destinations.write',
  'GET /api/v1/grants': 'grants.read',
  'POST /api/v1/grants': 'grants.request',
  'GET /api/v1/grants/:id': 'grants.read',
  'GET /api/v1/grants/:id/review': 'grants.read',
  'POST /api/v1/grants/:id/approve': 'grants.decide',
  'POST /api/v1/grants/:id/reject': 'grants.decide',
  'POST /api/v1/grants/:id/revoke': 'grants.decide',
  'POST /api/v1/grants/:id/cancel': 'grants.cancel',
  'GET /api/v1/audit-events': 'audit.read',
  'GET /api/v1/audit-events/verify': 'audit.read',
  'GET /api/v1/settings': 'settings.read',
  'PATCH /api/v1/settings': 'settings.write',
  'GET /api/v1/manifests': 'manifests.read',
  'POST /api/v1/reconcile': 'reconcile.run',
  'GET /api/v1/reconcile/runs': 'reconcile.read',
  'GET /api/v1/reconcile/runs/:id': 'reconcile.read',
  'GET /api/v1/reconcile/status': 'reconcile.read',
  'POST /api/v1/services/:id/rules::sync': 'services.write',
  'GET /api/v1/stats/summary': 'grants.read',
  'GET /api/v1/stats/grant-activity': 'grants.read',
  'GET /api/v1/coverage': 'coverage.read',
  'GET /api/v1/auth/providers': 'public',
  'GET /api/v1/auth/oidc/login': 'public',
  'GET /api/v1/auth/oidc/callback': 'public',
  'POST /api/v1/flows': 'flows.ingest',
  'GET /api/v1/blocked-egress': 'blocked.read',
  'GET /api/v1/alerts': 'alerts.read',
  'POST /api/v1/alerts/:id/acknowledge': 'alerts.acknowledge',
  'GET /api/v1/alert-rules': 'alertRules.read',
  'POST /api/v1/alert-rules': 'alertRules.write',
  'PATCH /api/v1/alert-rules/:id': 'alertRules.write',
  'DELETE /api/v1/alert-rules/:id': 'alertRules.write',
  'GET /api/v1/webhooks': 'webhooks.read',
  'POST /api/v1/webhooks': 'webhooks.write',
  'GET /api/v1/webhooks/:id': 'webhooks.read',
  'PATCH /api/v1/webhooks/:id': 'webhooks.write',
  'DELETE /api/v1/webhooks/:id': 'webhooks.write',
  'POST /api/v1/webhooks/:id/rotate-secret': 'webhooks.write',
  'POST /api/v1/webhooks/:id/test': 'webhooks.write',
  'GET /api/v1/webhooks/:id/deliveries': 'webhooks.read',
  'POST /api/v1/webhook-deliveries/:id/retry': 'webhooks.write',
  'GET /api/v1/dashboard/health': 'health.read',
  // Re-apply the desired state now (drift): queues a reconcile run like POST /reconcile, audited.
  'POST /api/v1/drift/reapply': 'reconcile.run',
  'GET /api/v1/audit-events/checkpoints': 'audit.read',
  'POST /api/v1/audit-events/checkpoints': 'audit.seal',
  'POST /api/v1/audit-events/verify': 'audit.read',
  'GET /api/v1/explain': 'explain.read',
  'GET /api/v1/discovered-egress': 'discovery.read',
  'GET /api/v1/impact': 'impact.read',
  'POST /api/v1/grants/bulk': 'grants.request',
  'POST /api/v1/gateway-connections': 'usage.ingest',
  'POST /api/v1/grants/:id/renew': 'grants.request',
  'GET /api/v1/me/notifications': 'notifications.read',
  'POST /api/v1/me/notifications/seen': 'notifications.read',
} as const satisfies Record<string, RoutePolicy>;

export type RouteKey = keyof typeof ROUTE_POLICIES;

/** Whether a role holds a permission by itself (scoped permissions: never; see SCOPED_PERMISSIONS). */
export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role != null && !isScopedPermission(permission) && roleAtLeast(role, PERMISSIONS[permission]);
}

/** The least role a policy admits, or null for public routes. */
export function minimumRoleFor(policy: RoutePolicy): Role | null {
  if (policy === 'public') return null;
  if (policy === 'authenticated') return 'viewer';
  return PERMISSIONS[policy];
}

export function routePolicy(method: string, url: string): RoutePolicy | undefined {
  return (ROUTE_POLICIES as Record<string, RoutePolicy>)[`${method.toUpperCase()} ${url}`];
}
