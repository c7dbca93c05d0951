import { LoginBodySchema, LoginResponseSchema, MeSchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { requireActor } from '../../platform/auth.plugin.ts';
import { AppError, errorResponses } from '../../platform/errors.ts';
import { SESSION_COOKIE } from '../../platform/identity.ts';
import type { AuthService } from './auth.service.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { setSessionCookie } from './sessions.ts';

const errors = errorResponses(400, 401, 403, 429);
const tags = ['auth'];

export const authRoutes: FastifyPluginAsyncZod<{ service: AuthService; throttle: LoginThrottle }> = async (
  app,
  { service, throttle },
) => {
  app.post('/api/v1/auth/login', {
    schema: {
      operationId: 'login',
      tags,
      summary: 'Sign in; sets the session cookie and returns the CSRF token',
      body: LoginBodySchema,
      response: { 200: LoginResponseSchema, ...errors },
      security: [],
    },
    config: {
      // Per address and account, after the body is parsed: slows password guessing without letting
      // one client lock everybody else out.
      rateLimit: {
        max: app.config.loginRateLimit,
        timeWindow: 60_000,
        hook: 'preHandler',
        keyGenerator: (req) => {
          const email = (req.body as { email?: unknown } | undefined)?.email;
          return `${req.ip}|${typeof email === 'string' ? email.toLowerCase() : ''}`;
        },
      },
    },
    handler: async (req, reply) => {
      const wait = throttle.begin(req.ip);
      if (wait !== null) {
        await service.throttled(req.ip, throttle, app.config.loginFailuresPerAddress, req.id);
        void reply.header('retry-after', String(wait));
        throw new AppError(
          'rate_limited',
          `too many failed sign-ins from this address; try again in ${wait} s`,
        );
      }
      const result = await service
        .login(req.body.email, req.body.password, {
          ip: req.ip,
          userAgent: req.headers['user-agent'],
          requestId: req.id,
        })
        .catch((error: unknown) => {
          if (!(error instanceof AppError && error.code === 'unauthenticated')) throttle.release(req.ip);
          throw error;
        });
      throttle.release(req.ip);
      setSessionCookie(reply, result);
      return { user: result.user, csrfToken: result.csrfToken };
    },
  });

  app.post('/api/v1/auth/logout', {
    schema: { operationId: 'logout', tags, response: { 204: z.null(), ...errors } },
    handler: async (req, reply) => {
      await service.logout(requireActor(req), req.id);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  });

  app.get('/api/v1/auth/me', {
    schema: { operationId: 'me', tags, response: { 200: MeSchema, ...errors } },
    handler: (req) => {
      const a = requireActor(req);
      return { id: a.userId, email: a.email, name: a.name, role: a.role };
    },
  });
};
