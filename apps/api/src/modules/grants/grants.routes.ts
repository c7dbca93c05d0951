import {
  ApproveBodySchema,
  CancelBodySchema,
  CreateGrantBodySchema,
  GrantListQuerySchema,
  GrantReviewSchema,
  GrantSchema,
  IdParamsSchema,
  pageOf,
  ReasonBodySchema,
  RenewGrantBodySchema,
} from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { GrantReviewService } from './grant-review.service.ts';
import type { GrantsService } from './grants.service.ts';

const errors = errorResponses(400, 401, 403, 404, 409);
const tags = ['grants'];

export const grantsRoutes: FastifyPluginAsyncZod<{
  service: GrantsService;
  review: GrantReviewService;
}> = async (app, { service, review }) => {
  app.post('/api/v1/grants', {
    schema: {
      operationId: 'requestGrant',
      tags,
      summary: 'Request access (creates a pending grant)',
      body: CreateGrantBodySchema,
      response: { 201: GrantSchema, ...errors },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await service.request(req.body, requireActor(req), auditActor(req), req.id)),
  });

  app.get('/api/v1/grants', {
    schema: {
      operationId: 'listGrants',
      tags,
      summary: 'List grants, newest first',
      querystring: GrantListQuerySchema,
      response: { 200: pageOf(GrantSchema), ...errors },
    },
    handler: (req) => service.list(req.query, req.actor ? { userId: req.actor.userId } : null),
  });

  app.get('/api/v1/grants/:id', {
    schema: {
      operationId: 'getGrant',
      tags,
      params: IdParamsSchema,
      response: { 200: GrantSchema, ...errors },
    },
    handler: (req) => service.get(req.params.id),
  });

  app.get('/api/v1/grants/:id/review', {
    schema: {
      operationId: 'getGrantReview',
      tags,
      summary: 'What an approver needs to decide: requester, identity and destination, denied flows, history',
      params: IdParamsSchema,
      response: { 200: GrantReviewSchema, ...errors },
    },
    handler: (req) => review(req.params.id),
  });

  app.post('/api/v1/grants/:id/approve', {
    schema: {
      operationId: 'approveGrant',
      tags,
      summary:
        'Approve (four eyes: never the requester; a comment is required for port-wide and sensitive requests)',
      params: IdParamsSchema,
      body: ApproveBodySchema,
      response: { 200: GrantSchema, ...errors },
    },
    handler: (req) =>
      service.approve(req.params.id, {
        actor: req.actor,
        auditActor: auditActor(req),
        requestId: req.id,
        comment: req.body?.comment,
      }),
  });

  app.post('/api/v1/grants/:id/reject', {
    schema: {
      operationId: 'rejectGrant',
      tags,
      params: IdParamsSchema,
      body: ReasonBodySchema,
      response: { 200: GrantSchema, ...errors },
    },
    handler: (req) =>
      service.reject(req.params.id, {
        actor: req.actor,
        auditActor: auditActor(req),
        requestId: req.id,
        reason: req.body.reason,
      }),
  });

  app.post('/api/v1/grants/:id/revoke', {
    schema: {
      operationId: 'revokeGrant',
      tags,
      params: IdParamsSchema,
      body: ReasonBodySchema,
      response: { 200: GrantSchema, ...errors },
    },
    handler: (req) =>
      service.revoke(req.params.id, {
        actor: req.actor,
        auditActor: auditActor(req),
        requestId: req.id,
        reason: req.body.reason,
      }),
  });

  app.post('/api/v1/grants/:id/renew', {
    schema: {
      operationId: 'renewGrant',
      tags,
      summary:
        'Request a renewal of an active grant (a pending request that, approved, takes over from it without a gap)',
      params: IdParamsSchema,
      body: RenewGrantBodySchema,
      response: { 201: GrantSchema, ...errors },
    },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await service.renew(req.params.id, req.body, requireActor(req), auditActor(req), req.id)),
  });

  app.post('/api/v1/grants/:id/cancel', {
    schema: {
      operationId: 'cancelGrant',
      tags,
      summary: 'Cancel your own pending request',
      params: IdParamsSchema,
      body: CancelBodySchema,
      response: { 200: GrantSchema, ...errors },
    },
    handler: (req) =>
      service.cancel(req.params.id, {
        actor: req.actor,
        auditActor: auditActor(req),
        requestId: req.id,
        reason: req.body?.reason,
      }),
  });
};
