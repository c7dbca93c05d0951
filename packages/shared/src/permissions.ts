// The role table, as data. The API enforces it on every route (a route without an entry fails at
// start-up) and the console uses it to hide what a role cannot do. The server always decides.
import { roleAtLeast, type Role } from './roles.ts';

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
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

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
} as const satisfies Record<string, RoutePolicy>;

export type RouteKey = keyof typeof ROUTE_POLICIES;

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role != null && roleAtLeast(role, PERMISSIONS[permission]);
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
