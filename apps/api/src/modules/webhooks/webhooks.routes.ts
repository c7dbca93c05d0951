import {
  CreateWebhookBodySchema,
  DeliveryListQuerySchema,
  IdParamsSchema,
  pageOf,
  PageQuerySchema,
  UpdateWebhookBodySchema,
  WebhookDeliverySchema,
  WebhookSchema,
  WebhookTestResultSchema,
  WebhookWithSecretSchema,
} from '@egress/shared';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { Ctx, WebhooksService } from './webhooks.service.ts';

const errors = errorResponses(400, 401, 403, 404, 409, 503);
const tags = ['webhooks'];
const ctx = (req: FastifyRequest): Ctx => ({
  actor: auditActor(req),
  userId: requireActor(req).userId,
  requestId: req.id,
});

export const webhooksRoutes: FastifyPluginAsyncZod<{ service: WebhooksService }> = async (
  app,
  { service },
) => {
  app.get('/api/v1/webhooks', {
    schema: {
      operationId: 'listWebhooks',
      tags,
      summary: 'Outgoing webhooks, oldest first',
      querystring: PageQuerySchema,
      response: { 200: pageOf(WebhookSchema), ...errors },
    },
    handler: (req) => service.list(req.query),
  });
  app.post('/api/v1/webhooks', {
    schema: {
      operationId: 'createWebhook',
      tags,
      summary: 'Create a webhook; its signing secret is shown only in this response',
      body: CreateWebhookBodySchema,
      response: { 201: WebhookWithSecretSchema, ...errors },
    },
    handler: async (req, reply) => reply.status(201).send(await service.create(req.body, ctx(req))),
  });
  app.get('/api/v1/webhooks/:id', {
    schema: {
      operationId: 'getWebhook',
      tags,
      params: IdParamsSchema,
      response: { 200: WebhookSchema, ...errors },
    },
    handler: (req) => service.get(req.params.id),
  });
  app.patch('/api/v1/webhooks/:id', {
    schema: {
      operationId: 'updateWebhook',
      tags,
      params: IdParamsSchema,
      body: UpdateWebhookBodySchema,
      response: { 200: WebhookSchema, ...errors },
    },
    handler: (req) => service.update(req.params.id, req.body, ctx(req)),
  });
  app.delete('/api/v1/webhooks/:id', {
    schema: {
      operationId: 'deleteWebhook',
      tags,
      summary: 'Delete a webhook with its queued deliveries and delivery log',
      params: IdParamsSchema,
      response: { 204: z.null(), ...errors },
    },
    handler: async (req, reply) => {
      await service.remove(req.params.id, ctx(req));
      return reply.status(204).send(null);
    },
  });
  app.post('/api/v1/webhooks/:id/rotate-secret', {
    schema: {
      operationId: 'rotateWebhookSecret',
      tags,
      summary: 'Replace the signing secret (effective at once); the new one is shown only in this response',
      params: IdParamsSchema,
      response: { 200: WebhookWithSecretSchema, ...errors },
    },
    handler: (req) => service.rotateSecret(req.params.id, ctx(req)),
  });
  app.post('/api/v1/webhooks/:id/test', {
    schema: {
      operationId: 'testWebhook',
      tags,
      summary:
        "Send a webhook.test delivery to this webhook now (5 s timeout) and answer with the receiver's status, the time taken and the error; recorded in the delivery log",
      params: IdParamsSchema,
      response: { 200: WebhookTestResultSchema, ...errors },
    },
    handler: (req) => service.test(req.params.id, ctx(req)),
  });
  app.get('/api/v1/webhooks/:id/deliveries', {
    schema: {
      operationId: 'listWebhookDeliveries',
      tags,
      summary: 'The delivery log of one webhook, newest first',
      params: IdParamsSchema,
      querystring: DeliveryListQuerySchema,
      response: { 200: pageOf(WebhookDeliverySchema), ...errors },
    },
    handler: (req) => service.deliveries(req.params.id, req.query),
  });
  app.post('/api/v1/webhook-deliveries/:id/retry', {
    schema: {
      operationId: 'retryWebhookDelivery',
      tags,
      summary: 'Give a failed delivery one more attempt, now',
      params: IdParamsSchema,
      response: { 200: WebhookDeliverySchema, ...errors },
    },
    handler: (req) => service.retry(req.params.id),
  });
};
