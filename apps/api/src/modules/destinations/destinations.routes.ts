import {
  CreateDestinationBodySchema,
  DeleteDestinationQuerySchema,
  DestinationListQuerySchema,
  DestinationSchema,
  IdParamsSchema,
  pageOf,
  UpdateDestinationBodySchema,
} from '@egress/shared';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { DestinationsService } from './destinations.service.ts';

const errors = errorResponses(400, 401, 403, 404, 409);
const tags = ['destinations'];
const ctx = (req: FastifyRequest) => ({ actor: auditActor(req), user: requireActor(req), requestId: req.id });

export const destinationsRoutes: FastifyPluginAsyncZod<{ service: DestinationsService }> = async (
  app,
  { service },
) => {
  app.post('/api/v1/destinations', {
    schema: {
      operationId: 'createDestination',
      tags,
      body: CreateDestinationBodySchema,
      response: { 201: DestinationSchema, ...errors },
    },
    handler: async (req, reply) => reply.status(201).send(await service.create(req.body, ctx(req))),
  });
  app.get('/api/v1/destinations', {
    schema: {
      operationId: 'listDestinations',
      tags,
      querystring: DestinationListQuerySchema,
      response: { 200: pageOf(DestinationSchema), ...errors },
    },
    handler: (req) => service.list(req.query),
  });
  app.get('/api/v1/destinations/:id', {
    schema: {
      operationId: 'getDestination',
      tags,
      params: IdParamsSchema,
      response: { 200: DestinationSchema, ...errors },
    },
    handler: (req) => service.get(req.params.id),
  });
  app.patch('/api/v1/destinations/:id', {
    schema: {
      operationId: 'updateDestination',
      tags,
      params: IdParamsSchema,
      body: UpdateDestinationBodySchema,
      response: { 200: DestinationSchema, ...errors },
    },
    handler: (req) => service.update(req.params.id, req.body, ctx(req)),
  });
  app.delete('/api/v1/destinations/:id', {
    schema: {
      operationId: 'deleteDestination',
      tags,
      summary: 'Delete; 409 while it has active grants unless ?force=true (admin)',
      params: IdParamsSchema,
      querystring: DeleteDestinationQuerySchema,
      response: { 204: z.null(), ...errors },
    },
    handler: async (req, reply) => {
      await service.remove(req.params.id, req.query.force, ctx(req));
      return reply.status(204).send(null);
    },
  });
};
