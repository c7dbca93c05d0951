// Outgoing notifications: webhook subscriptions, their events, and the delivery log.
import { z } from 'zod';

import { TeamNameSchema, text, TimestampSchema, UuidSchema } from '../primitives.ts';
import { PageQuerySchema } from './common.ts';

/** What a webhook can subscribe to. Each is derived from one audit action, in the same transaction. */
export const NOTIFICATION_EVENTS = [
  'grant.requested',
  'grant.approval_needed',
  'grant.approved',
  'grant.rejected',
  'grant.revoked',
  'grant.expired',
  'blocked_egress.alert',
  // A managed Kubernetes object was changed outside egress-control and put back (a drift alert).
  'reconcile.drift',
  // Issue 18: every decision on a request, for its requester and team (approvals, including the first of
  // two, rejection, revocation, expiry, cancellation by someone else or the system, renewal hand-over).
  'grant.decided',
  // A signed audit checkpoint (not derived from an audit row: sent when the log is sealed).
  'audit.checkpoint',
] as const;
export const NotificationEventSchema = z.enum(NOTIFICATION_EVENTS, {
  error: `must be one of ${NOTIFICATION_EVENTS.join(', ')}`,
});
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;

/** The ping sent by POST /webhooks/{id}/test; nobody subscribes to it, it goes to that one webhook. */
export const TEST_EVENT = 'webhook.test';
/** What a delivery can carry: every notification event, and the test ping. */
export const DELIVERY_EVENTS = [...NOTIFICATION_EVENTS, TEST_EVENT] as const;
export type DeliveryEvent = (typeof DELIVERY_EVENTS)[number];

export const WEBHOOK_FORMATS = ['generic', 'slack'] as const;
export const WebhookFormatSchema = z.enum(WEBHOOK_FORMATS, { error: 'must be "generic" or "slack"' });
export type WebhookFormat = z.infer<typeof WebhookFormatSchema>;

export const WebhookUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048, { error: 'must be at most 2048 characters' })
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), {
    error: 'must not contain credentials; use the signing secret',
  });

/** How many teams one webhook may be limited to. */
export const MAX_WEBHOOK_TEAMS = 50;

/**
 * The teams whose events a webhook carries; empty (or absent): every team. A team is matched exactly
 * against a service's owner team, so it is validated like one.
 */
export const WebhookTeamsSchema = z
  .array(TeamNameSchema, { error: 'must be a list of team names' })
  .max(MAX_WEBHOOK_TEAMS, { error: `must list at most ${MAX_WEBHOOK_TEAMS} teams` })
  .meta({
    description:
      "Only events about these teams' services (a grant's service team, an alert's service team); events about no team (drift, audit checkpoints) and other teams' events are not sent. Empty: every event, as without the field.",
  });

export const WebhookSchema = z
  .object({
    id: UuidSchema,
    name: z.string(),
    url: z.string(),
    format: WebhookFormatSchema,
    events: z.array(NotificationEventSchema),
    teams: z.array(z.string()).meta({ description: 'Empty: every team.' }),
    enabled: z.boolean(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
    lastDelivery: z
      .object({ status: z.enum(['pending', 'succeeded', 'failed']), at: TimestampSchema })
      .nullable()
      .meta({ description: 'The most recent delivery attempt, for a health glance.' }),
    health: z
      .object({
        state: z.enum(['ok', 'failing', 'unknown']).meta({
          description: 'failing: the latest attempted delivery failed; unknown: nothing attempted yet.',
        }),
        failingSince: TimestampSchema.nullable().meta({
          description: 'When the first delivery failed that no successful one has followed.',
        }),
        lastError: z.string().nullable(),
      })
      .meta({ description: 'Whether the receiver answers, told from the delivery log.' }),
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof WebhookSchema>;

/** Returned on create and on rotate-secret only: the signing secret is shown once. */
export const WebhookWithSecretSchema = WebhookSchema.extend({ secret: z.string() }).meta({
  id: 'WebhookWithSecret',
});

export const CreateWebhookBodySchema = z.strictObject({
  name: text(120),
  url: WebhookUrlSchema,
  format: WebhookFormatSchema.default('generic'),
  events: z
    .array(NotificationEventSchema)
    .min(1, { error: 'choose at least one event' })
    .max(NOTIFICATION_EVENTS.length),
  teams: WebhookTeamsSchema.default([]),
  enabled: z.boolean().default(true),
});
export type CreateWebhookBody = z.input<typeof CreateWebhookBodySchema>;

export const UpdateWebhookBodySchema = z.strictObject({
  name: text(120).optional(),
  url: WebhookUrlSchema.optional(),
  format: WebhookFormatSchema.optional(),
  events: z
    .array(NotificationEventSchema)
    .min(1, { error: 'choose at least one event' })
    .max(NOTIFICATION_EVENTS.length)
    .optional(),
  /** [] clears the filter (every team again). */
  teams: WebhookTeamsSchema.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateWebhookBody = z.input<typeof UpdateWebhookBodySchema>;

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export const WebhookDeliverySchema = z
  .object({
    id: UuidSchema,
    webhookId: UuidSchema,
    eventId: UuidSchema.meta({
      description:
        "Shared by every webhook's copy of one event (the X-Egress-Event-Id header): receivers deduplicate on it.",
    }),
    event: z.enum(DELIVERY_EVENTS),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.int().meta({ description: 'Attempts made so far.' }),
    nextAttemptAt: TimestampSchema.nullable().meta({
      description: 'null once succeeded or failed for good.',
    }),
    lastAttemptAt: TimestampSchema.nullable(),
    responseStatus: z.int().nullable(),
    lastError: z.string().nullable(),
    createdAt: TimestampSchema,
    deliveredAt: TimestampSchema.nullable(),
    payload: z.unknown().meta({
      description:
        'The event as the generic format sends it; the Slack format renders its message from it at send time.',
    }),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const DeliveryListQuerySchema = PageQuerySchema.extend({
  status: z.enum(DELIVERY_STATUSES).optional(),
});
