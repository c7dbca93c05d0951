// The role table is the contract: every route the app serves has an entry in ROUTE_POLICIES, every entry
// is served, and each role gets exactly the verdict the table gives it.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  isScopedPermission,
  minimumRoleFor,
  type Role,
  roleAtLeast,
  ROLES,
  ROUTE_POLICIES,
  type RoutePolicy,
  SCOPED_PERMISSIONS,
} from '@egress/shared';
import Fastify, { type FastifyInstance, type HTTPMethods, type InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { authPluginFp } from '../../src/platform/auth.plugin.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createIdentity } from '../../src/platform/identity.ts';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.ts';

interface TableRoute {
  key: string;
  method: HTTPMethods;
  url: string;
  policy: RoutePolicy;
}

const WEB_CATCH_ALL = 'GET /*';
const DOCS_PREFIX = '/api/docs';

const table: TableRoute[] = Object.entries(ROUTE_POLICIES).map(([key, policy]) => {
  const [method, url] = key.split(' ') as [HTTPMethods, string];
  return { key, method, url, policy };
});
// The console's catch-all exists only when apps/web is built; it has its own test below.
const apiRoutes = table.filter((r) => r.key !== WEB_CATCH_ALL);
const protectedRoutes = apiRoutes.filter((r) => r.policy !== 'public');
const publicRoutes = apiRoutes.filter((r) => r.policy === 'public');
/** Routes only a token created with the policy as a scope may use (no role holds them). */
const isScoped = (policy: RoutePolicy) =>
  policy !== 'public' && policy !== 'authenticated' && isScopedPermission(policy);
const scopedRoutes = protectedRoutes.filter((r) => isScoped(r.policy));

/** "METHOD /path" for every route the app registered, read from Fastify's route tree. */
function registeredRoutes(app: FastifyInstance): string[] {
  const lines = app
    .printRoutes({ commonPrefix: false })
    .split('\n')
    .filter((l) => l.trim() !== '');
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of lines) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) throw new Error(`unexpected printRoutes line: ${line}`);
    const depth = (match[1] ?? '').length / 4;
    const path = (stack[depth - 1] ?? '') + (match[2] ?? '');
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean))
      routes.push(`${method} ${path}`);
  }
  return routes;
}

/** A concrete URL for a route: each `:param` a random UUID, and Fastify's `::` escape a literal colon. */
function concrete(url: string): string {
  return url.replace(/::|:(\w+)/g, (_m, name: string | undefined) => (name ? randomUUID() : ':'));
}

function request(route: TableRoute): InjectOptions {
  const url = concrete(route.url);
  const body = route.method === 'POST' || route.method === 'PATCH' ? { payload: {} } : {};
  return { method: route.method, url, ...body };
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('the route table and the app agree', () => {
  it.each(apiRoutes)('$key [$policy] is served by the app', ({ method, url }) => {
    expect(t.app.hasRoute({ method, url })).toBe(true);
  });

  it('has an entry for every route the app registered (docs UI routes are public by prefix)', () => {
    const registered = registeredRoutes(t.app);
    expect(registered).toContain('GET /api/v1/grants/:id');
    // printRoutes shows Fastify's `::` escape (a literal colon, as in rules:sync) unescaped.
    const table = new Set(Object.keys(ROUTE_POLICIES).map((k) => k.replaceAll('::', ':')));
    const missing = registered.filter((r) => {
      const [method = '', url = ''] = r.split(' ');
      const key = `${method === 'HEAD' ? 'GET' : method} ${url}`;
      return !table.has(key) && url !== DOCS_PREFIX && !url.startsWith(`${DOCS_PREFIX}/`);
    });
    expect(missing).toEqual([]);
  });

  it('does not serve the console catch-all when the web app is not built', () => {
    expect(t.app.hasRoute({ method: 'GET', url: '/*' })).toBe(false);
  });

  describe('the start-up guard', () => {
    async function guarded(): Promise<FastifyInstance> {
      const app = Fastify({ logger: false });
      await app.register(authPluginFp, { identity: createIdentity({ db: t.db, clock: systemClock }) });
      return app;
    }

    it('refuses a route that has no entry in ROUTE_POLICIES', async () => {
      const app = await guarded();
      const register = async () => {
        app.get('/api/v1/not-in-the-table', () => ({}));
        await app.ready();
      };
      await expect(register()).rejects.toThrow(
        /GET \/api\/v1\/not-in-the-table has no entry in ROUTE_POLICIES/,
      );
      await app.close().catch(() => undefined);
    });

    it('accepts a route that has an entry', async () => {
      const app = await guarded();
      app.get('/healthz', () => ({ status: 'ok' }));
      await app.ready();
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      await app.close();
    });
  });
});

describe('anonymous requests', () => {
  it.each(protectedRoutes)('$key [$policy] → 401', async (route) => {
    const res = await t.app.inject(request(route));
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('unauthenticated');
  });

  it.each(publicRoutes)('$key [$policy] needs no credentials', async (route) => {
    const res = await t.app.inject(request(route));
    expect(res.statusCode, res.body).not.toBe(401);
    expect(res.statusCode, res.body).not.toBe(403);
    expect(res.statusCode, res.body).toBeLessThan(500);
  });
});

describe.each(ROLES.map((role) => ({ role })))('as $role (bearer token)', ({ role }: { role: Role }) => {
  const verdicts = protectedRoutes.map((r) => {
    // A scoped permission is held by no role, whatever the table names as the least role to mint it.
    if (isScoped(r.policy)) return { ...r, allowed: false, needed: `a token with the ${r.policy} scope` };
    const needed = minimumRoleFor(r.policy);
    return { ...r, allowed: needed === null || roleAtLeast(role, needed), needed };
  });

  it.each(verdicts.filter((v) => !v.allowed))('$key [$policy] → 403 (needs $needed)', async (route) => {
    const res = await t.as(role, request(route));
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('forbidden');
  });

  it.each(verdicts.filter((v) => v.allowed))('$key [$policy] is allowed', async (route) => {
    const res = await t.as(role, request(route));
    expect([401, 403], `${res.statusCode} ${res.body}`).not.toContain(res.statusCode);
    expect(res.statusCode, res.body).toBeLessThan(500);
  });
});

describe.each(ROLES.map((role) => ({ role })))('as $role (session cookie)', ({ role }: { role: Role }) => {
  let cookie: string;
  let csrf: string;
  beforeAll(async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.users[role].email, password: PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);
    const session = login.cookies.find((c) => c.name === 'egress_session');
    cookie = `${session?.name}=${session?.value}`;
    csrf = login.json<{ csrfToken: string }>().csrfToken;
  });

  it.each(scopedRoutes)('$key [$policy] → 403: a session never holds a scoped permission', async (route) => {
    const res = await t.app.inject({ ...request(route), headers: { cookie, 'x-csrf-token': csrf } });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/scope/);
  });
});

describe.each(SCOPED_PERMISSIONS.map((scope) => ({ scope })))('as a token with scope $scope', ({ scope }) => {
  let token: string;
  beforeAll(async () => {
    const res = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: `scoped ${scope}`, scopes: [scope] },
    });
    expect(res.statusCode, res.body).toBe(201);
    token = res.json<{ token: string }>().token;
  });
  const withToken = (route: TableRoute) => {
    const req = request(route);
    return t.app.inject({ ...req, headers: { authorization: `Bearer ${token}` } });
  };

  it.each(protectedRoutes.filter((r) => r.policy === scope))('$key [$policy] is allowed', async (route) => {
    const res = await withToken(route);
    expect([401, 403], `${res.statusCode} ${res.body}`).not.toContain(res.statusCode);
    expect(res.statusCode, res.body).toBeLessThan(500);
  });

  it.each(protectedRoutes.filter((r) => r.policy !== scope))(
    '$key [$policy] → 403: the token holds nothing else',
    async (route) => {
      const res = await withToken(route);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json<{ error: { message: string } }>().error.message).toContain(`limited to ${scope}`);
    },
  );
});

describe('the console catch-all when the web app is built', () => {
  let dist: string;
  let web: TestApp;
  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'egress-web-'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Egress Control</title>');
    web = await createTestApp({ env: { EGRESS_WEB_DIST: dist } });
  });
  afterAll(async () => {
    await web.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('registers GET /* as a public route', async () => {
    expect(ROUTE_POLICIES[WEB_CATCH_ALL]).toBe('public');
    expect(web.app.hasRoute({ method: 'GET', url: '/*' })).toBe(true);
    const res = await web.app.inject({ url: '/index.html' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Egress Control');
  });

  it('still protects the API behind it', async () => {
    expect((await web.app.inject({ url: '/api/v1/services' })).statusCode).toBe(401);
  });
});
