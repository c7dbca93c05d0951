import {
  AcknowledgeAlertBodySchema,
  AlertListQuerySchema,
  AlertRuleSchema,
  AlertSchema,
  CreateAlertRuleBodySchema,
  IdParamsSchema,
  pageOf,
  PageQuerySchema,
  UpdateAlertRuleBodySchema,
} from '@egress/shared';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { AlertRulesService } from './alert-rules.service.ts';
import type { AlertsService } from './alerts.service.ts';

const errors = errorResponses(400, 401, 403, 404, 409);
const tags = ['alerts'];
const ctx = (req: FastifyRequest) => ({
  actor: auditActor(req),
  userId: requireActor(req).userId,
  requestId: req.id,
});

export const alertsRoutes: FastifyPluginAsyncZod<{
  rules: AlertRulesService;
  alerts: AlertsService;
}> = async (app, { rules, alerts }) => {
  app.get('/api/v1/alert-rules', {
    schema: {
      operationId: 'listAlertRules',
      tags,
      summary: 'Alert rules on denied egress, by name',
      querystring: PageQuerySchema,
      response: { 200: pageOf(AlertRuleSchema), ...errors },
    },
    handler: (req) => rules.list(req.query.limit, req.query.cursor),
  });
  app.post('/api/v1/alert-rules', {
    schema: {
      operationId: 'createAlertRule',
      tags,
      summary: 'Alert when a service (or any) is denied at least `threshold` times within `windowSeconds`',
      body: CreateAlertRuleBodySchema,
      response: { 201: AlertRuleSchema, ...errors },
    },
    handler: async (req, reply) => reply.status(201).send(await rules.create(req.body, ctx(req))),
  });
  app.patch('/api/v1/alert-rules/:id', {
    schema: {
      operationId: 'updateAlertRule',
      tags,
      params: IdParamsSchema,
      body: UpdateAlertRuleBodySchema,
      response: { 200: AlertRuleSchema, ...errors },
    },
    handler: (req) => rules.update(req.params.id, req.body, ctx(req)),
  });
  app.delete('/api/v1/alert-rules/:id', {
    schema: {
      operationId: 'deleteAlertRule',
      tags,
      summary: 'Delete a rule; its alerts are kept',
      params: IdParamsSchema,
      response: { 204: z.null(), ...errors },
    },
    handler: async (req, reply) => {
      await rules.remove(req.params.id, ctx(req));
      return reply.status(204).send(null);
    },
  });

  app.get('/api/v1/alerts', {
    schema: {
      operationId: 'listAlerts',
      tags,
      summary: 'Raised alerts, newest first (open by default)',
      querystring: AlertListQuerySchema,
      response: { 200: pageOf(AlertSchema), ...errors },
    },
    handler: (req) => alerts.list(req.query),
  });
  app.post('/api/v1/alerts/:id/acknowledge', {
    schema: {
      operationId: 'acknowledgeAlert',
      tags,
      summary: 'Acknowledge an open alert (409 when it already is)',
      params: IdParamsSchema,
      body: AcknowledgeAlertBodySchema,
      response: { 200: AlertSchema, ...errors },
    },
    handler: (req) => alerts.acknowledge(req.params.id, { ...ctx(req), comment: req.body?.comment }),
  });
};
