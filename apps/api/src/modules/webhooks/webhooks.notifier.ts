// Turns audit rows into outbox rows, inside the audited transaction (an AuditListener): a change that
// rolls back announces nothing, and one that commits cannot lose its announcement.
import { randomUUID } from 'node:crypto';

import type { FastifyBaseLogger } from 'fastify';

import type { AuditListener } from '../../platform/audit.ts';
import { type EventContext, outboxEventsFor } from './webhooks.events.ts';
import type { WebhooksRepository } from './webhooks.repository.ts';

export function createNotifier({
  repo,
  publicUrl,
  log,
}: {
  repo: WebhooksRepository;
  publicUrl: string;
  log: FastifyBaseLogger;
}): AuditListener {
  const ctx: EventContext = {
    publicUrl,
    newId: randomUUID,
    unreadable: (row, problem) =>
      log.error(
        { action: row.action, targetId: row.targetId, problem },
        'audit row cannot be turned into a notification; skipped',
      ),
  };
  return async (tx, rows) => {
    // Most actions announce nothing: those cost no query at all. The rest cost one INSERT ... SELECT,
    // which inserts nothing when no enabled webhook subscribes to the event.
    const events = rows.flatMap((row) => outboxEventsFor(row, ctx));
    const first = rows[0];
    if (events.length === 0 || !first) return;
    await repo.enqueue(events, first.at, tx);
  };
}
