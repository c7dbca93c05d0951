import { BulkGrantRequestBodySchema, BulkGrantRequestResultSchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { BulkRequest } from './grants.bulk.ts';

const errors = errorResponses(400, 401, 403, 409);

export const grantsBulkRoutes: FastifyPluginAsyncZod<{ bulk: BulkRequest }> = async (app, { bulk }) => {
  app.post('/api/v1/grants/bulk', {
    schema: {
      operationId: 'requestGrants',
      tags: ['grants'],
      summary:
        'Request access for several (service, destination, port) with one justification; all or nothing',
      body: BulkGrantRequestBodySchema,
      response: { 201: BulkGrantRequestResultSchema, ...errors },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await bulk.requestMany(req.body, requireActor(req), auditActor(req), req.id)),
  });
};
