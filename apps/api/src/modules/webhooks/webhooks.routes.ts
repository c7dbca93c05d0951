import { randomUUID } from 'node:crypto';

import {
  CreateWebhookBodySchema,
  DeliveryListQuerySchema,
  IdParamsSchema,
  PageQuerySchema,
  UpdateWebhookBodySchema,
  WebhookDeliverySchema,
  WebhookSchema,
  WebhookWithSecretSchema,
  pageOf,
} from '@egress/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Counter } from 'prom-client';
import { z } from 'zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import { createSecretBox } from '../../platform/secret-box.ts';
import { createDispatcher, DEFAULT_DISPATCHER_OPTIONS, type Dispatcher } from './webhooks.dispatcher.ts';
import { checkpointEvent } from './webhooks.events.ts';
import { createNotifier } from './webhooks.notifier.ts';
import { createWebhooksRepository } from './webhooks.repository.ts';
import { createSender } from './webhooks.sender.ts';
import { createWebhooksService, type Ctx } from './webhooks.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    webhookDispatcher: Dispatcher;
  }
}

const errors = errorResponses(400, 401, 403, 404, 409, 503);
const tags = ['webhooks'];
const SEND_TIMEOUT_MS = 10_000;
const ctx = (req: FastifyRequest): Ctx => ({ actor: auditActor(req), userId: requireActor(req).userId, requestId: req.id });

/** The outbox: audit rows become deliveries in their transaction; a dispatcher on every replica sends them. */
function startNotifications(app: FastifyInstance, repo: ReturnType<typeof createWebhooksRepository>) {
  const box = app.config.secretKey ? createSecretBox(app.config.secretKey) : null;
  const results = new Counter({
    name: 'egress_webhook_attempts_total',
    help: 'Webhook delivery attempts by this instance, by outcome (succeeded, retrying, failed for good)',
    labelNames: ['result'] as const,
    registers: [app.metrics.registry],
  });
  const dispatcher = createDispatcher({
    db: app.db,
    repo,
    audit: app.audit,
    clock: app.clock,
    box,
    send: createSender({ allowPrivate: app.config.webhookAllowPrivate, timeoutMs: SEND_TIMEOUT_MS }),
    log: app.log.child({ component: 'webhooks' }),
    options: DEFAULT_DISPATCHER_OPTIONS,
    counted: (result) => results.inc({ result }),
  });
  const unsubscribe = app.audit.onAppend(createNotifier({ repo, publicUrl: app.config.publicUrl, log: app.log }));
  // Checkpoints go out like any event, in the transaction that stores them.
  const unsubscribeSeal = app.checkpoints.onSeal(async (tx, checkpoint) => {
    await repo.enqueue(tx, [checkpointEvent(checkpoint, { publicUrl: app.config.publicUrl, newId: randomUUID })], new Date(checkpoint.at));
  });
  app.decorate('webhookDispatcher', dispatcher);
  app.addHook('onReady', () => dispatcher.start());
  app.addHook('onClose', async () => {
    unsubscribe();
    unsubscribeSeal();
    await dispatcher.stop();
  });
  return { box, dispatcher };
}

async function webhooksRoutes(...args: Parameters<FastifyPluginAsyncZod>) {
  const [app] = args;
  const repo = createWebhooksRepository(app.db);
  const { box, dispatcher } = startNotifications(app, repo);
  const service = createWebhooksService({
    db: app.db,
    repo,
    audit: app.audit,
    clock: app.clock,
    box,
    allowPrivate: app.config.webhookAllowPrivate,
    publicUrl: app.config.publicUrl,
    queued: () => dispatcher.poke(),
  });

  app.get('/api/v1/webhooks', {
    schema: { operationId: 'listWebhooks', tags, summary: 'Outgoing webhooks, oldest first', querystring: PageQuerySchema, response: { 200: pageOf(WebhookSchema), ...errors } },
    handler: (req) => service.list(req.query),
  });
  app.post('/api/v1/webhooks', {
    schema: { operationId: 'createWebhook', tags, summary: 'Create a webhook; its signing secret is shown only in this response', body: CreateWebhookBodySchema, response: { 201: WebhookWithSecretSchema, ...errors } },
    handler: async (req, reply) => reply.status(201).send(await service.create(req.body, ctx(req))),
  });
  app.get('/api/v1/webhooks/:id', {
    schema: { operationId: 'getWebhook', tags, params: IdParamsSchema, response: { 200: WebhookSchema, ...errors } },
    handler: (req) => service.get(req.params.id),
  });
  app.patch('/api/v1/webhooks/:id', {
    schema: { operationId: 'updateWebhook', tags, params: IdParamsSchema, body: UpdateWebhookBodySchema, response: { 200: WebhookSchema, ...errors } },
    handler: (req) => service.update(req.params.id, req.body, ctx(req)),
  });
  app.delete('/api/v1/webhooks/:id', {
    schema: { operationId: 'deleteWebhook', tags, summary: 'Delete a webhook with its queued deliveries and delivery log', params: IdParamsSchema, response: { 204: z.null(), ...errors } },
    handler: async (req, reply) => {
      await service.remove(req.params.id, ctx(req));
      return reply.status(204).send(null);
    },
  });
  app.post('/api/v1/webhooks/:id/rotate-secret', {
    schema: { operationId: 'rotateWebhookSecret', tags, summary: 'Replace the signing secret (effective at once); the new one is shown only in this response', params: IdParamsSchema, response: { 200: WebhookWithSecretSchema, ...errors } },
    handler: (req) => service.rotateSecret(req.params.id, ctx(req)),
  });
  app.post('/api/v1/webhooks/:id/test', {
    schema: { operationId: 'testWebhook', tags, summary: 'Queue a webhook.test delivery to this webhook only', params: IdParamsSchema, response: { 202: WebhookDeliverySchema, ...errors } },
    handler: async (req, reply) => reply.status(202).send(await service.test(req.params.id, ctx(req))),
  });
  app.get('/api/v1/webhooks/:id/deliveries', {
    schema: { operationId: 'listWebhookDeliveries', tags, summary: 'The delivery log of one webhook, newest first', params: IdParamsSchema, querystring: DeliveryListQuerySchema, response: { 200: pageOf(WebhookDeliverySchema), ...errors } },
    handler: (req) => service.deliveries(req.params.id, req.query),
  });
  app.post('/api/v1/webhook-deliveries/:id/retry', {
    schema: { operationId: 'retryWebhookDelivery', tags, summary: 'Give a failed delivery one more attempt, now', params: IdParamsSchema, response: { 200: WebhookDeliverySchema, ...errors } },
    handler: (req) => service.retry(req.params.id),
  });
}

// Wrapped with fastify-plugin so the dispatcher decorator is visible app-wide (tests drain it).
export const webhooksModule = fp(webhooksRoutes, { name: 'egress-webhooks' });
