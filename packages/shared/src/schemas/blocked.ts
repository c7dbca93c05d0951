// Read side of denied-flow visibility: the blocked-egress inbox, alert rules and alerts. The ingest
// side (record formats and their normalisation) is in flows.ts.
import { z } from 'zod';

import { ProtocolSchema, ServiceNameSchema, text, TimestampSchema, UuidSchema } from '../primitives.ts';
import { PageQuerySchema } from './common.ts';
import { AlertDriftSchema, AlertKindSchema } from './health.ts';

const positiveInt = (max: number) =>
  z
    .int({ error: 'must be an integer' })
    .min(1, { error: `must be between 1 and ${max}` })
    .max(max, { error: `must be between 1 and ${max}` });

export const BlockedEgressQuerySchema = PageQuerySchema.extend({
  service: z
    .string()
    .max(128)
    .optional()
    .meta({ description: 'Service name; "-" for flows no registered service matched.' }),
  namespace: z.string().max(63).optional(),
  destination: z
    .string()
    .max(253)
    .optional()
    .meta({ description: 'Substring of the destination name or IP.' }),
  known: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: 'Only destinations registered (true) or not (false).' }),
  since: TimestampSchema.optional().meta({
    description: 'Only groups seen at or after this time; default: the retention period.',
  }),
});
export type BlockedEgressQuery = z.input<typeof BlockedEgressQuerySchema>;

/** What was asked for a blocked row's service, host and port, and where it stands. */
export const BlockedAccessSchema = z
  .object({
    grantId: UuidSchema,
    state: z.enum(['pending', 'active', 'rejected', 'cancelled', 'revoked', 'expired']).meta({
      description:
        'active while traffic is still denied: the grant is not (yet) what blocks it; see /explain.',
    }),
    approvals: z.int(),
    requiredApprovals: z.int(),
    reason: z.string().nullable().meta({ description: 'Why it was rejected, revoked or cancelled.' }),
    at: TimestampSchema.meta({ description: 'When it was decided, or requested while pending.' }),
    proposed: z.boolean().meta({ description: 'The request proposes registering the host.' }),
  })
  .meta({ id: 'BlockedAccess' });
export type BlockedAccess = z.infer<typeof BlockedAccessSchema>;

/** One inbox row: every denied flow of one service (or unattributed namespace) to one destination and port. */
export const BlockedEgressGroupSchema = z
  .object({
    key: z.string().meta({ description: 'Opaque, stable id of the group (for links and React keys).' }),
    serviceId: UuidSchema.nullable(),
    service: z
      .string()
      .nullable()
      .meta({ description: 'null when no registered service matched the source.' }),
    sourceNamespace: z.string(),
    sourceWorkload: z
      .string()
      .nullable()
      .meta({ description: 'A sample pod or workload name from the records.' }),
    destination: z
      .string()
      .meta({ description: 'The destination name when a record carried one, else the IP.' }),
    destName: z.string().nullable(),
    destIp: z.string().nullable(),
    destinationId: UuidSchema.nullable().meta({
      description: 'The registered destination with this host, if any.',
    }),
    known: z.boolean().meta({ description: 'Whether the destination is registered in Egress Control.' }),
    port: z.int(),
    protocol: ProtocolSchema,
    count: z.int(),
    firstSeen: TimestampSchema,
    lastSeen: TimestampSchema,
    // Issue 18 (additive): the state of access, computed with the page (no call per row).
    destinationPorts: z.array(z.int()).nullable().meta({
      description: "The registered destination's ports (null when the host is not registered).",
    }),
    access: BlockedAccessSchema.nullable().meta({
      description:
        'The newest request for this service, host and port (an open one first); null for unattributed rows or when nobody asked.',
    }),
  })
  .meta({ id: 'BlockedEgressGroup' });
export type BlockedEgressGroup = z.infer<typeof BlockedEgressGroupSchema>;

export const AlertRuleSchema = z
  .object({
    id: UuidSchema,
    name: z.string(),
    serviceId: UuidSchema.nullable(),
    service: z.string().nullable().meta({ description: 'null: the rule applies to every service.' }),
    threshold: z.int(),
    windowSeconds: z.int(),
    enabled: z.boolean(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'AlertRule' });
export type AlertRule = z.infer<typeof AlertRuleSchema>;

export const CreateAlertRuleBodySchema = z.strictObject({
  name: text(120),
  service: ServiceNameSchema.nullish().meta({ description: 'Service name; omit or null for every service.' }),
  threshold: positiveInt(1_000_000).meta({
    description: 'Denied flows within the window that raise an alert.',
  }),
  windowSeconds: z
    .int({ error: 'must be an integer' })
    .min(60, { error: 'must be between 60 and 86400' })
    .max(86_400, { error: 'must be between 60 and 86400' })
    .meta({ description: 'Sliding window, in seconds (1 minute to 1 day).' }),
  enabled: z.boolean().default(true),
});
export type CreateAlertRuleBody = z.input<typeof CreateAlertRuleBodySchema>;

export const UpdateAlertRuleBodySchema = z.strictObject({
  name: text(120).optional(),
  threshold: positiveInt(1_000_000).optional(),
  windowSeconds: z
    .int({ error: 'must be an integer' })
    .min(60, { error: 'must be between 60 and 86400' })
    .max(86_400, { error: 'must be between 60 and 86400' })
    .optional(),
  enabled: z.boolean().optional(),
});
export type UpdateAlertRuleBody = z.input<typeof UpdateAlertRuleBodySchema>;

export const AlertDestinationSchema = z.object({
  destination: z.string(),
  port: z.int(),
  protocol: ProtocolSchema,
  count: z.int(),
});

export const AlertSchema = z
  .object({
    id: UuidSchema,
    ruleId: UuidSchema.nullable(),
    ruleName: z.string(),
    serviceId: UuidSchema.nullable(),
    service: z.string().nullable(),
    sourceNamespace: z.string(),
    count: z.int(),
    threshold: z.int(),
    windowStart: TimestampSchema,
    windowEnd: TimestampSchema,
    destinations: z
      .array(AlertDestinationSchema)
      .meta({ description: 'The destinations denied in the window, most frequent first (at most 10).' }),
    raisedAt: TimestampSchema,
    acknowledgedAt: TimestampSchema.nullable(),
    acknowledgedBy: z.string().nullable(),
    comment: z.string().nullable(),
    kind: AlertKindSchema.meta({
      description:
        'blocked_egress: denied flows over a rule; drift: a managed object changed outside egress-control.',
    }),
    drift: AlertDriftSchema.nullable().meta({
      description: 'A drift alert: the objects and the run that healed them.',
    }),
  })
  .meta({ id: 'Alert' });
export type Alert = z.infer<typeof AlertSchema>;

export const AlertListQuerySchema = PageQuerySchema.extend({
  state: z.enum(['open', 'acknowledged', 'all']).default('open'),
});
export type AlertListQuery = z.input<typeof AlertListQuerySchema>;

export const AcknowledgeAlertBodySchema = z.strictObject({ comment: text(2000).optional() }).nullish();
