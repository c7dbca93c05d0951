import {
  ApproveBodySchema,
  CancelBodySchema,
  CreateGrantBodySchema,
  GrantListQuerySchema,
  GrantSchema,
  IdParamsSchema,
  ReasonBodySchema,
  RulesSyncBodySchema,
  RulesSyncResultSchema,
  pageOf,
} from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import { createGrantsRepository } from './grants.repository.ts';
import { startExpirySweep } from './grants.expiry.ts';
import { createRulesSync } from './rules-sync.ts';
import { createGrantsService } from './grants.service.ts';

const errors = errorResponses(400, 401, 403, 404, 409);
const tags = ['grants'];

export const grantsModule: FastifyPluginAsyncZod = async (app) => {
  const service = createGrantsService({ db: app.db, repo: createGrantsRepository(app.db), audit: app.audit, clock: app.clock, changes: app.changes });
  startExpirySweep(app, service);

  app.post('/api/v1/grants', {
    schema: { operationId: 'requestGrant', tags, summary: 'Request access (creates a pending grant)', body: CreateGrantBodySchema, response: { 201: GrantSchema, ...errors } },
    handler: async (req, reply) => reply.status(201).send(await service.request(req.body, requireActor(req), auditActor(req), req.id)),
  });

  app.get('/api/v1/grants', {
    schema: { operationId: 'listGrants', tags, summary: 'List grants, newest first', querystring: GrantListQuerySchema, response: { 200: pageOf(GrantSchema), ...errors } },
    handler: (req) => service.list(req.query),
  });

  app.get('/api/v1/grants/:id', {
    schema: { operationId: 'getGrant', tags, params: IdParamsSchema, response: { 200: GrantSchema, ...errors } },
    handler: (req) => service.get(req.params.id),
  });

  app.post('/api/v1/grants/:id/approve', {
    schema: { operationId: 'approveGrant', tags, summary: 'Approve (four eyes: never the requester)', params: IdParamsSchema, body: ApproveBodySchema, response: { 200: GrantSchema, ...errors } },
    handler: (req) => service.approve(req.params.id, { actor: req.actor, auditActor: auditActor(req), requestId: req.id, comment: req.body?.comment }),
  });

  app.post('/api/v1/grants/:id/reject', {
    schema: { operationId: 'rejectGrant', tags, params: IdParamsSchema, body: ReasonBodySchema, response: { 200: GrantSchema, ...errors } },
    handler: (req) => service.reject(req.params.id, { actor: req.actor, auditActor: auditActor(req), requestId: req.id, reason: req.body.reason }),
  });

  app.post('/api/v1/grants/:id/revoke', {
    schema: { operationId: 'revokeGrant', tags, params: IdParamsSchema, body: ReasonBodySchema, response: { 200: GrantSchema, ...errors } },
    handler: (req) => service.revoke(req.params.id, { actor: req.actor, auditActor: auditActor(req), requestId: req.id, reason: req.body.reason }),
  });

  app.post('/api/v1/grants/:id/cancel', {
    schema: { operationId: 'cancelGrant', tags, summary: 'Cancel your own pending request', params: IdParamsSchema, body: CancelBodySchema, response: { 200: GrantSchema, ...errors } },
    handler: (req) => service.cancel(req.params.id, { actor: req.actor, auditActor: auditActor(req), requestId: req.id, reason: req.body?.reason }),
  });

  const syncRules = createRulesSync({ db: app.db, grants: service });
  // "rules::sync" is Fastify's escape for the literal path "rules:sync" (API.md).
  app.post('/api/v1/services/:id/rules::sync', {
    schema: { operationId: 'syncRules', tags: ['services'], summary: 'Sync rule files: request what is missing; with prune, revoke what is gone', params: IdParamsSchema, body: RulesSyncBodySchema, response: { 200: RulesSyncResultSchema, ...errors } },
    handler: (req) =>
      syncRules({ serviceId: req.params.id, rules: req.body.rules, prune: req.body.prune ?? false, justification: req.body.justification, actor: requireActor(req), auditActor: auditActor(req), requestId: req.id }),
  });
};
