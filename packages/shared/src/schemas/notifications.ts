// The requester's decision notifications (issue 18): what approvers and the system decided on the
// requests a person filed, read from the audit log, with a "seen up to" mark per user.
import { z } from 'zod';

import { TimestampSchema, UuidSchema } from '../primitives.ts';

export const DECISION_KINDS = ['approved', 'rejected', 'revoked', 'expired', 'cancelled', 'renewed'] as const;

export const DecisionNotificationSchema = z
  .object({
    id: UuidSchema.meta({ description: 'The audit event that recorded the decision.' }),
    at: TimestampSchema,
    kind: z.enum(DECISION_KINDS),
    grantId: UuidSchema,
    service: z.string(),
    destination: z.string().nullable().meta({ description: 'Host; null for a port-wide grant.' }),
    port: z.int(),
    state: z.string().meta({ description: 'The grant state right after the decision.' }),
    approvals: z.int().meta({ description: 'Approvals after the decision.' }),
    requiredApprovals: z.int(),
    actor: z.string().meta({ description: 'Who decided (a person, or "system").' }),
    note: z.string().nullable().meta({ description: "The approver's comment or the reason given." }),
    seen: z.boolean(),
  })
  .meta({ id: 'DecisionNotification' });
export type DecisionNotification = z.infer<typeof DecisionNotificationSchema>;

export const NotificationListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const NotificationListSchema = z
  .object({
    items: z.array(DecisionNotificationSchema).meta({ description: 'Newest first.' }),
    unseen: z.int().meta({ description: 'Decisions after seenAt (at most 100 are counted).' }),
    seenAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'NotificationList' });
export type NotificationList = z.infer<typeof NotificationListSchema>;

export const MarkSeenBodySchema = z
  .strictObject({
    at: TimestampSchema.optional().meta({
      description: 'Seen up to this time (default: now); never moves the mark back.',
    }),
  })
  .nullish();
