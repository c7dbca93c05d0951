// GET /auth/providers (what the sign-in page offers), GET /auth/oidc/login and GET /auth/oidc/callback.
// The two OIDC routes are browser navigations: they answer with redirects, never JSON, and a refusal
// lands on /sign-in?error=<code> (the page shows the code's message from packages/shared).
import {
  AuthProvidersSchema,
  OidcCallbackQuerySchema,
  type OidcErrorCode,
  OidcLoginQuerySchema,
} from '@egress/shared';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { errorResponses } from '../../platform/errors.ts';
import type { OidcService } from './oidc.service.ts';
import { FLOW_TTL_MS } from './oidc-logins.ts';
import { setSessionCookie } from './sessions.ts';

export const OIDC_LOGIN_PATH = '/api/v1/auth/oidc/login';
export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';
/** Binds a flow to the browser that started it; scoped to the OIDC routes. */
export const OIDC_BINDING_COOKIE = 'egress_oidc';
/**
 * Hands the CSRF token to the console after the callback's redirect (there is no JSON response to
 * carry it, and only its hash is stored). Readable by the console's script, which moves it into
 * sessionStorage and deletes it; short-lived and SameSite=Strict like the session cookie.
 */
export const CSRF_HANDOFF_COOKIE = 'egress_csrf';
const CSRF_HANDOFF_SECONDS = 120;

const tags = ['auth'];
const redirect = {
  302: z
    .null()
    .describe('Redirect: to the provider, or back to the console (/sign-in?error=<code> on refusal).'),
};
const rateErrors = errorResponses(429);

function toSignIn(reply: FastifyReply, code: OidcErrorCode) {
  return reply.redirect(`/sign-in?error=${code}`, 302);
}

/** `service` is null when OIDC is not configured: the routes then answer sso_not_configured. */
export const oidcRoutes: FastifyPluginAsyncZod<{ service: OidcService | null }> = async (
  app,
  { service },
) => {
  const { oidc } = app.config;
  // Per address: each start writes a row and each callback talks to the provider.
  const rateLimit = { max: app.config.loginRateLimit, timeWindow: 60_000 };

  app.get('/api/v1/auth/providers', {
    schema: {
      operationId: 'authProviders',
      tags,
      summary: 'Sign-in methods the console offers',
      response: { 200: AuthProvidersSchema },
      security: [],
    },
    handler: () => ({
      password: true as const,
      oidc: oidc ? { enabled: true, label: oidc.label, loginUrl: OIDC_LOGIN_PATH } : null,
    }),
  });

  app.get(OIDC_LOGIN_PATH, {
    schema: {
      operationId: 'oidcLogin',
      tags,
      summary: 'Start SSO sign-in (browser navigation); returnTo must be a console path',
      querystring: OidcLoginQuerySchema,
      response: { ...redirect, ...rateErrors },
      security: [],
    },
    config: { rateLimit },
    handler: async (req, reply) => {
      if (!service) return toSignIn(reply, 'sso_not_configured');
      const result = await service.begin(req.query.returnTo, req.cookies[OIDC_BINDING_COOKIE]);
      if (!result.ok) return toSignIn(reply, result.code);
      // Lax, not Strict: the callback arrives as a top-level navigation from the provider's site.
      void reply.setCookie(OIDC_BINDING_COOKIE, result.binding, {
        httpOnly: true,
        sameSite: 'lax',
        secure: 'auto',
        path: '/api/v1/auth/oidc',
        maxAge: FLOW_TTL_MS / 1000,
      });
      return reply.redirect(result.location, 302);
    },
  });

  app.get(OIDC_CALLBACK_PATH, {
    schema: {
      operationId: 'oidcCallback',
      tags,
      summary: 'Where the provider returns the browser; opens the session',
      querystring: OidcCallbackQuerySchema,
      response: { ...redirect, ...rateErrors },
      security: [],
    },
    config: { rateLimit },
    handler: async (req, reply) => {
      if (!service) return toSignIn(reply, 'sso_not_configured');
      const rawQuery = req.url.split('?')[1] ?? '';
      const ctx = { ip: req.ip, userAgent: req.headers['user-agent'], requestId: req.id };
      const result = await service.complete(req.query, rawQuery, req.cookies[OIDC_BINDING_COOKIE], ctx);
      if (!result.ok) return toSignIn(reply, result.code);
      setSessionCookie(reply, result.session);
      void reply.setCookie(CSRF_HANDOFF_COOKIE, result.session.csrfToken, {
        httpOnly: false,
        sameSite: 'strict',
        secure: 'auto',
        path: '/',
        maxAge: CSRF_HANDOFF_SECONDS,
      });
      return reply.redirect(result.returnTo, 302);
    },
  });
};
