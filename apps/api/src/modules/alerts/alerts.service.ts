import type { Alert, AlertListQuerySchema } from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { keysetSql, toPage, type Page } from '../../platform/pagination.ts';
import { join, selectAlerts, sql } from './alerts.sql.ts';

type ListQuery = z.output<typeof AlertListQuerySchema>;

export interface AcknowledgeCtx {
  actor: Actor;
  userId: string;
  requestId: string;
  comment: string | undefined;
}

const STATE = {
  open: sql`a.acknowledged_at IS NULL`,
  acknowledged: sql`a.acknowledged_at IS NOT NULL`,
  all: sql`TRUE`,
} as const;

export function createAlertsService({ db, audit, clock }: { db: Db; audit: AuditLog; clock: Clock }) {
  /** Newest first; keyset on (raised_at, id) as a row comparison, like the other lists. */
  async function list(q: ListQuery): Promise<Page<Alert>> {
    const conditions = [STATE[q.state], keysetSql(sql`a.raised_at, a.id`, q.cursor, 'desc', (k, id) => sql`${new Date(k)}::timestamptz, ${id}::uuid`)];
    const rows = await selectAlerts(db, join(conditions, ' AND '), sql`a.raised_at DESC, a.id DESC`, q.limit + 1);
    return toPage(rows, q.limit, (a) => a, (a) => [a.raisedAt, a.id]);
  }

  /** Open → acknowledged, once: the row is locked, so of two concurrent acknowledgements one gets 409. */
  async function acknowledge(id: string, ctx: AcknowledgeCtx): Promise<Alert> {
    return db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM alerts WHERE id = ${id}::uuid FOR UPDATE`;
      if (locked.length === 0) throw notFound('alert');
      const [before] = await selectAlerts(tx, sql`a.id = ${id}::uuid`, sql`a.id`, 1);
      if (!before) throw notFound('alert');
      if (before.acknowledgedAt) {
        throw new AppError('invalid_transition', `this alert was already acknowledged by ${before.acknowledgedBy ?? 'a deleted user'} at ${before.acknowledgedAt}`);
      }
      await tx.$executeRaw`UPDATE alerts SET acknowledged_at = ${clock.now()}, acknowledged_by_id = ${ctx.userId}::uuid, comment = ${ctx.comment ?? null} WHERE id = ${id}::uuid`;
      const [after] = await selectAlerts(tx, sql`a.id = ${id}::uuid`, sql`a.id`, 1);
      await audit.append(tx, { actor: ctx.actor, action: 'alert.acknowledged', targetType: 'alert', targetId: id, before, after, requestId: ctx.requestId });
      return after ?? before;
    });
  }

  return { list, acknowledge };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
