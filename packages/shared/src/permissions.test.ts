import { describe, expect, it } from 'vitest';

import {
  can,
  isScopedPermission,
  minimumRoleFor,
  type Permission,
  PERMISSIONS,
  ROUTE_POLICIES,
  type RoutePolicy,
  routePolicy,
  SCOPED_PERMISSIONS,
} from './permissions.ts';
import { type Role, roleRank, ROLES } from './roles.ts';

const permissions = Object.keys(PERMISSIONS) as Permission[];
const routes = Object.entries(ROUTE_POLICIES) as [string, RoutePolicy][];

/** The roles that may use a permission, weakest first. */
const holders = (p: Permission) => ROLES.filter((r) => can(r, p));

describe('PERMISSIONS', () => {
  it('maps every permission to a role', () => {
    for (const p of permissions) expect(ROLES, p).toContain(PERMISSIONS[p]);
  });

  it('is monotonic: a role can do everything the roles below it can', () => {
    const pairs = ROLES.flatMap((weaker, i) =>
      ROLES.slice(i + 1).map((stronger) => [weaker, stronger] as const),
    );
    for (const p of permissions) {
      for (const [weaker, stronger] of pairs) {
        if (can(weaker, p)) expect(can(stronger, p), `${stronger} lacks ${p} that ${weaker} has`).toBe(true);
      }
    }
  });

  it('admits exactly the roles from the least role up', () => {
    for (const p of permissions.filter((p) => !isScopedPermission(p)))
      expect(holders(p), p).toEqual(ROLES.slice(roleRank(PERMISSIONS[p])));
  });

  it('gives a scoped permission to no role, not even admin (only a token minted with the scope holds it)', () => {
    expect(SCOPED_PERMISSIONS).toEqual(['flows.ingest', 'usage.ingest']);
    for (const p of SCOPED_PERMISSIONS) expect(holders(p), p).toEqual([]);
  });

  it('admits no one without a role', () => {
    for (const p of permissions) {
      expect(can(null, p)).toBe(false);
      expect(can(undefined, p)).toBe(false);
    }
  });

  // The role table of docs/api.md.
  it.each<[Permission, Role]>([
    ['services.read', 'viewer'],
    ['destinations.read', 'viewer'],
    ['grants.read', 'viewer'],
    ['manifests.read', 'viewer'],
    ['reconcile.read', 'viewer'],
    ['tokens.manage', 'viewer'],
    ['services.write', 'engineer'],
    ['grants.request', 'engineer'],
    ['grants.cancel', 'engineer'],
    ['destinations.write', 'approver'],
    ['grants.decide', 'approver'],
    ['audit.read', 'approver'],
    ['reconcile.run', 'approver'],
    ['users.read', 'admin'],
    ['users.write', 'admin'],
    ['settings.read', 'admin'],
    ['settings.write', 'admin'],
    ['destinations.forceDelete', 'admin'],
    ['tokens.manageAll', 'admin'],
    // Denied-flow visibility and integrations (docs/flows.md, docs/notifications.md).
    ['blocked.read', 'engineer'],
    ['alerts.read', 'engineer'],
    ['alertRules.read', 'engineer'],
    ['alerts.acknowledge', 'approver'],
    ['alertRules.write', 'approver'],
    ['webhooks.read', 'admin'],
    ['webhooks.write', 'admin'],
    ['flows.ingest', 'admin'],
    ['usage.ingest', 'admin'],
  ])('%s needs %s', (permission, role) => {
    expect(PERMISSIONS[permission]).toBe(role);
  });
});

describe('ROUTE_POLICIES', () => {
  it('gives every route a permission, "public" or "authenticated"', () => {
    for (const [route, policy] of routes) {
      const known = policy === 'public' || policy === 'authenticated' || Object.hasOwn(PERMISSIONS, policy);
      expect(known, `${route}: ${policy}`).toBe(true);
    }
  });

  it('keys routes as "METHOD /path"', () => {
    for (const [route] of routes) expect(route).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/);
  });

  it('lets every signed-in role read', () => {
    const reads = routes.filter(([route]) => route.startsWith('GET /api/v1/'));
    // Beyond the viewer: the audit log, users, settings, webhooks (admin), and denied flows and alerts,
    // which name pods and addresses across namespaces (engineer).
    const restricted = [
      '/api/v1/audit-events',
      '/api/v1/users',
      '/api/v1/settings',
      '/api/v1/webhook',
      '/api/v1/blocked-egress',
      '/api/v1/alert',
      // Issue 15: built from denied flows and gateway usage, so the same reason as blocked egress.
      '/api/v1/discovered-egress',
      '/api/v1/impact',
      // The health strip (approver): failing webhooks and drift are what approvers act on.
      '/api/v1/dashboard/health',
    ];
    for (const [route, policy] of reads) {
      const path = route.slice('GET '.length);
      if (policy === 'public' || restricted.some((prefix) => path.startsWith(prefix))) continue;
      expect(minimumRoleFor(policy), route).toBe('viewer');
    }
    expect(reads.length).toBeGreaterThan(5);
  });

  it.each<[string, Role | null]>([
    ['GET /healthz', null],
    ['GET /readyz', null],
    ['GET /metrics', null],
    ['GET /api/v1/openapi.json', null],
    ['POST /api/v1/auth/login', null],
    ['GET /api/v1/auth/me', 'viewer'],
    ['GET /api/v1/grants', 'viewer'],
    ['GET /api/v1/grants/:id', 'viewer'],
    ['POST /api/v1/grants', 'engineer'],
    ['POST /api/v1/grants/:id/cancel', 'engineer'],
    ['POST /api/v1/grants/:id/approve', 'approver'],
    ['POST /api/v1/grants/:id/reject', 'approver'],
    ['POST /api/v1/grants/:id/revoke', 'approver'],
    ['GET /api/v1/audit-events', 'approver'],
    ['GET /api/v1/audit-events/verify', 'approver'],
    ['GET /api/v1/users', 'admin'],
    ['POST /api/v1/users', 'admin'],
    ['PATCH /api/v1/users/:id', 'admin'],
    ['POST /api/v1/services', 'engineer'],
    ['GET /api/v1/services', 'viewer'],
    ['POST /api/v1/destinations', 'approver'],
    ['DELETE /api/v1/destinations/:id', 'approver'],
    ['GET /api/v1/destinations', 'viewer'],
    ['POST /api/v1/tokens', 'viewer'],
  ])('%s needs %s', (route, role) => {
    const [method = '', url = ''] = route.split(' ');
    const policy = routePolicy(method, url);
    expect(policy, route).toBeDefined();
    expect(minimumRoleFor(policy ?? 'public')).toBe(role);
  });

  it('matches the method case-insensitively and knows nothing of unlisted routes', () => {
    expect(routePolicy('get', '/api/v1/grants')).toBe('grants.read');
    expect(routePolicy('DELETE', '/api/v1/grants/:id')).toBeUndefined();
    expect(routePolicy('GET', '/api/v1/nope')).toBeUndefined();
  });
});
