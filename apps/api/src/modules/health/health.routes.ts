import { HealthSchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { pingDatabase } from '../../platform/db.ts';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', {
    schema: {
      operationId: 'healthz',
      tags: ['operations'],
      summary: 'The process is up',
      response: { 200: HealthSchema },
      security: [],
    },
    handler: () => ({ status: 'ok' }),
  });

  app.get('/readyz', {
    schema: {
      operationId: 'readyz',
      tags: ['operations'],
      summary: 'The database is reachable',
      response: { 200: HealthSchema, 503: HealthSchema },
      security: [],
    },
    handler: async (req, reply) => {
      try {
        await pingDatabase(app.db);
        return { status: 'ready' };
      } catch (err) {
        req.log.warn({ err }, 'readiness check failed');
        return reply.status(503).send({ status: 'database unreachable' });
      }
    },
  });

  app.get('/metrics', {
    schema: { hide: true },
    handler: async (_req, reply) =>
      reply.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics()),
  });

  app.get('/api/v1/openapi.json', {
    schema: { hide: true },
    handler: () => app.swagger(),
  });
};
