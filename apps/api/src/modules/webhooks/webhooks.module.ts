// Outgoing webhooks. The outbox: audit rows (and sealed checkpoints) become deliveries in their own
// transaction; the dispatcher worker on every replica sends them.
import { randomUUID } from 'node:crypto';

import type { AuditCheckpoint } from '@egress/shared';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';

import type { Tx } from '../../platform/db.ts';
import { createSecretBox } from '../../platform/secret-box.ts';
import { createDispatcher, DEFAULT_DISPATCHER_OPTIONS } from './webhook-dispatcher.worker.ts';
import { checkpointEvent } from './webhooks.events.ts';
import { createNotifier } from './webhooks.notifier.ts';
import { createWebhooksRepository } from './webhooks.repository.ts';
import { webhooksRoutes } from './webhooks.routes.ts';
import { createSender } from './webhooks.sender.ts';
import { createWebhooksService } from './webhooks.service.ts';

const SEND_TIMEOUT_MS = 10_000;
/** A test is sent while an admin waits for the answer: a receiver that says nothing in 5 s has failed it. */
const TEST_TIMEOUT_MS = 5_000;

/** How the audit module tells about a sealed checkpoint, inside the transaction that stores it (app.ts passes it). */
export type OnSeal = (listener: (tx: Tx, checkpoint: AuditCheckpoint) => Promise<void>) => () => void;

export async function webhooksModule(app: FastifyInstance, deps: { onSeal: OnSeal }) {
  const { config } = app;
  const repo = createWebhooksRepository(app.db);
  const box = config.secretKey ? createSecretBox(config.secretKey) : null;
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
    send: createSender({ allowPrivate: config.webhookAllowPrivate, timeoutMs: SEND_TIMEOUT_MS }),
    log: app.log.child({ component: 'webhooks' }),
    options: DEFAULT_DISPATCHER_OPTIONS,
    counted: (result) => results.inc({ result }),
  });
  const service = createWebhooksService({
    db: app.db,
    repo,
    audit: app.audit,
    clock: app.clock,
    box,
    allowPrivate: config.webhookAllowPrivate,
    publicUrl: config.publicUrl,
    queued: () => dispatcher.poke(),
    sendTest: createSender({ allowPrivate: config.webhookAllowPrivate, timeoutMs: TEST_TIMEOUT_MS }),
  });

  // Hooks: every audit row may become a notification, and checkpoints go out like any event.
  const unsubscribe = app.audit.onAppend(createNotifier({ repo, publicUrl: config.publicUrl, log: app.log }));
  const unsubscribeSeal = deps.onSeal(async (tx, checkpoint) => {
    await repo.enqueue(
      [checkpointEvent(checkpoint, { publicUrl: config.publicUrl, newId: randomUUID })],
      new Date(checkpoint.at),
      tx,
    );
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    unsubscribeSeal();
  });

  await app.register(webhooksRoutes, { service });
  return { dispatcher, failing: () => service.failing() };
}
