import { ExplainQuerySchema, ExplainSchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { errorResponses } from '../../platform/errors.ts';
import type { ExplainService } from './explain.service.ts';

const errors = errorResponses(400, 401, 403, 404);

export const explainRoutes: FastifyPluginAsyncZod<{ service: ExplainService }> = async (app, { service }) => {
  app.get('/api/v1/explain', {
    schema: {
      operationId: 'explain',
      tags: ['explain'],
      summary:
        'Whether a service can reach host:port now (allowed, denied, open), each check on the way, and what would change it',
      querystring: ExplainQuerySchema,
      response: { 200: ExplainSchema, ...errors },
    },
    handler: (req) => service.explain(req.query),
  });
};
