import { can, isScopedPermission, minimumRoleFor, type RoutePolicy, routePolicy } from '@egress/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

import type { Actor } from './audit.ts';
import { AppError } from './errors.ts';
import { CSRF_HEADER, type Identity, type RequestActor, SESSION_COOKIE, TOKEN_PREFIX } from './identity.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: RequestActor | null;
  }
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes registered by third-party plugins that serve public static content. */
const PUBLIC_PREFIXES = ['/api/docs'];

/** The policy for a route: from the shared table; HEAD follows GET. */
export function policyFor(method: string, url: string): RoutePolicy | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const found = routePolicy(m, url);
  if (found) return found;
  return PUBLIC_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`)) ? 'public' : undefined;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (scheme?.toLowerCase() !== 'bearer' || !value)
    throw new AppError('unauthenticated', 'the Authorization header must be "Bearer <token>"');
  return value;
}

async function identify(identity: Identity, request: FastifyRequest): Promise<RequestActor> {
  const token = bearer(request);
  const cookie = request.cookies[SESSION_COOKIE];
  const result =
    token !== undefined
      ? token.startsWith(TOKEN_PREFIX)
        ? await identity.fromToken(token)
        : { ok: false as const, reason: 'the API token is not valid' }
      : cookie
        ? await identity.fromSession(cookie)
        : { ok: false as const, reason: 'sign in or send an API token' };
  if (!result.ok) throw new AppError('unauthenticated', result.reason);
  const actor = result.actor;
  if (actor.kind === 'session' && !SAFE_METHODS.has(request.method)) {
    const header = request.headers[CSRF_HEADER];
    if (!identity.csrfOk(actor, typeof header === 'string' ? header : undefined)) {
      throw new AppError(
        'csrf_failed',
        `a cookie-authenticated change must carry the ${CSRF_HEADER} header from sign-in`,
      );
    }
  }
  return actor;
}

/** The audit log's view of whoever made the request. */
export function auditActor(request: FastifyRequest): Actor {
  const a = request.actor;
  if (!a) return { type: 'anonymous', id: null, label: 'anonymous' };
  return { type: a.kind === 'token' ? 'token' : 'user', id: a.userId, label: a.email };
}

export function requireActor(request: FastifyRequest): RequestActor {
  if (!request.actor) throw new AppError('unauthenticated', 'sign in or send an API token');
  return request.actor;
}

/**
 * Why the actor may not use a route with this policy, or null when it may. Scoped permissions and
 * roles are two separate worlds: a scoped token holds its scopes and nothing else (not even
 * "authenticated" routes), and no role, session or ordinary token holds a scoped permission.
 */
export function refusalFor(actor: RequestActor, policy: Exclude<RoutePolicy, 'public'>): string | null {
  const scoped = policy !== 'authenticated' && isScopedPermission(policy);
  if (actor.scopes.length > 0) {
    if (scoped && actor.scopes.includes(policy)) return null;
    return `this API token is limited to ${actor.scopes.join(', ')} and cannot be used here`;
  }
  if (scoped)
    return `this needs an API token created with the ${policy} scope (an admin creates one under API tokens)`;
  if (policy === 'authenticated' || can(actor.role, policy)) return null;
  return `this needs the ${minimumRoleFor(policy) ?? 'viewer'} role; you act as ${actor.role}`;
}

async function authPlugin(app: FastifyInstance, { identity }: { identity: Identity }) {
  app.decorateRequest('actor', null);

  // Every route must have an entry in the shared role table: a route without one stops start-up.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const policy = policyFor(method, route.url);
      if (!policy)
        throw new Error(`route ${method} ${route.url} has no entry in ROUTE_POLICIES (packages/shared)`);
      route.config = { ...(route.config ?? {}), policy };
    }
  });

  app.addHook('onRequest', async (request) => {
    const policy = request.routeOptions.config.policy;
    if (policy === undefined || policy === 'public') return; // undefined: 404 handler
    request.actor = await identify(identity, request);
    const refusal = refusalFor(request.actor, policy);
    if (refusal) throw new AppError('forbidden', refusal);
  });
}

export const authPluginFp = fp(authPlugin, { name: 'egress-auth' });
