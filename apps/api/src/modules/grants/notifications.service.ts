// Decisions on the requests a person filed, for the console's notification list and badge.
import type { DecisionNotification, NotificationList } from '@egress/shared';
import { z } from 'zod';

import type { Clock } from '../../platform/clock.ts';
import type { DecisionRow, NotificationsRepository } from './notifications.repository.ts';

const UNSEEN_CAP = 100;

// Lenient: the row's `after` is the grant as the API returned it then; an older shape still reads.
const AfterSchema = z.object({
  service: z.string().catch('?'),
  destination: z.string().nullable().catch(null),
  port: z.number().catch(0),
  state: z.string().catch('?'),
  requiredApprovals: z.number().catch(1),
  reason: z.string().nullable().catch(null),
  approvals: z.array(z.object({ comment: z.string().nullable().catch(null) })).catch([]),
});

const KIND = {
  'grant.approved': 'approved',
  'grant.rejected': 'rejected',
  'grant.revoked': 'revoked',
  'grant.expired': 'expired',
  'grant.cancelled': 'cancelled',
  'grant.renewed': 'renewed',
} as const;

function toNotification(r: DecisionRow, seenAt: Date | null): DecisionNotification {
  const after = AfterSchema.parse(r.after ?? {});
  const kind = KIND[r.action as keyof typeof KIND];
  const note = kind === 'approved' ? (after.approvals.at(-1)?.comment ?? null) : after.reason;
  return {
    id: r.id,
    at: r.at.toISOString(),
    kind,
    grantId: r.grant_id,
    service: after.service,
    destination: after.destination,
    port: after.port,
    state: after.state,
    approvals: after.approvals.length,
    requiredApprovals: after.requiredApprovals,
    actor: r.actor,
    note,
    seen: seenAt !== null && r.at <= seenAt,
  };
}

export function createNotificationsService(deps: { repo: NotificationsRepository; clock: Clock }) {
  const { repo, clock } = deps;
  return {
    async list(userId: string, limit: number): Promise<NotificationList> {
      const seenAt = await repo.seenAt(userId);
      const [rows, unseen] = await Promise.all([
        repo.decisions(userId, limit),
        repo.countAfter(userId, seenAt, UNSEEN_CAP),
      ]);
      return {
        items: rows.map((r) => toNotification(r, seenAt)),
        unseen,
        seenAt: seenAt?.toISOString() ?? null,
      };
    },
    async markSeen(userId: string, at: string | undefined): Promise<void> {
      const now = clock.now();
      const wanted = at ? new Date(at) : now;
      // Never ahead of now: a mark in the future would hide decisions not made yet.
      await repo.markSeen(userId, wanted > now ? now : wanted);
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
