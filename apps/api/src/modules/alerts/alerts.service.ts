import type { Alert, AlertListQuerySchema } from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Page } from '../../platform/pagination.ts';
import type { AlertsRepository } from './alerts.repository.ts';

type ListQuery = z.output<typeof AlertListQuerySchema>;

export interface AcknowledgeCtx {
  actor: Actor;
  userId: string;
  requestId: string;
  comment: string | undefined;
}

export function createAlertsService({
  db,
  repo,
  audit,
  clock,
}: {
  db: Db;
  repo: AlertsRepository;
  audit: AuditLog;
  clock: Clock;
}) {
  /** Newest first (open by default). */
  function list(q: ListQuery): Promise<Page<Alert>> {
    return repo.listAlerts(q);
  }

  /** Open → acknowledged, once: the row is locked, so of two concurrent acknowledgements one gets 409. */
  async function acknowledge(id: string, ctx: AcknowledgeCtx): Promise<Alert> {
    return db.$transaction(async (tx) => {
      if (!(await repo.lockAlert(id, tx))) throw notFound('alert');
      const before = await repo.findAlert(id, tx);
      if (!before) throw notFound('alert');
      if (before.acknowledgedAt) {
        throw new AppError(
          'invalid_transition',
          `this alert was already acknowledged by ${before.acknowledgedBy ?? 'a deleted user'} at ${before.acknowledgedAt}`,
        );
      }
      await repo.acknowledge(id, { at: clock.now(), userId: ctx.userId, comment: ctx.comment ?? null }, tx);
      const after = await repo.findAlert(id, tx);
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'alert.acknowledged',
        targetType: 'alert',
        targetId: id,
        before,
        after,
        requestId: ctx.requestId,
      });
      return after ?? before;
    });
  }

  return { list, acknowledge };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
