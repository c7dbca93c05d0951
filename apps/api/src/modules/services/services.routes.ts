import {
  CreateServiceBodySchema,
  IdParamsSchema,
  pageOf,
  RulesSyncBodySchema,
  RulesSyncResultSchema,
  ServiceListQuerySchema,
  ServiceSchema,
  UpdateServiceBodySchema,
} from '@egress/shared';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { RulesSync } from './services.rules-sync.ts';
import type { ServicesService } from './services.service.ts';

const errors = errorResponses(400, 401, 403, 404, 409);
const tags = ['services'];
const ctx = (req: FastifyRequest) => ({
  actor: auditActor(req),
  userId: requireActor(req).userId,
  role: requireActor(req).role,
  requestId: req.id,
});

export const servicesRoutes: FastifyPluginAsyncZod<{
  service: ServicesService;
  syncRules: RulesSync;
}> = async (app, { service, syncRules }) => {
  app.post('/api/v1/services', {
    schema: {
      operationId: 'createService',
      tags,
      body: CreateServiceBodySchema,
      response: { 201: ServiceSchema, ...errors },
    },
    handler: async (req, reply) => reply.status(201).send(await service.create(req.body, ctx(req))),
  });
  app.get('/api/v1/services', {
    schema: {
      operationId: 'listServices',
      tags,
      querystring: ServiceListQuerySchema,
      response: { 200: pageOf(ServiceSchema), ...errors },
    },
    handler: (req) => service.list(req.query),
  });
  app.get('/api/v1/services/:id', {
    schema: {
      operationId: 'getService',
      tags,
      params: IdParamsSchema,
      response: { 200: ServiceSchema, ...errors },
    },
    handler: (req) => service.get(req.params.id),
  });
  app.patch('/api/v1/services/:id', {
    schema: {
      operationId: 'updateService',
      tags,
      params: IdParamsSchema,
      body: UpdateServiceBodySchema,
      response: { 200: ServiceSchema, ...errors },
    },
    handler: (req) => service.update(req.params.id, req.body, ctx(req)),
  });
  app.delete('/api/v1/services/:id', {
    schema: {
      operationId: 'deleteService',
      tags,
      summary: 'Delete a service; revokes its grants (with active grants: approver or admin only)',
      params: IdParamsSchema,
      response: { 204: z.null(), ...errors },
    },
    handler: async (req, reply) => {
      await service.remove(req.params.id, ctx(req));
      return reply.status(204).send(null);
    },
  });

  // "rules::sync" is Fastify's escape for the literal path "rules:sync" (docs/api.md).
  app.post('/api/v1/services/:id/rules::sync', {
    schema: {
      operationId: 'syncRules',
      tags,
      summary: 'Sync rule files: request what is missing; with prune, revoke what is gone',
      params: IdParamsSchema,
      body: RulesSyncBodySchema,
      response: { 200: RulesSyncResultSchema, ...errors },
    },
    handler: (req) =>
      syncRules({
        serviceId: req.params.id,
        rules: req.body.rules,
        prune: req.body.prune ?? false,
        justification: req.body.justification,
        source: req.body.source,
        actor: requireActor(req),
        auditActor: auditActor(req),
        requestId: req.id,
      }),
  });
};
