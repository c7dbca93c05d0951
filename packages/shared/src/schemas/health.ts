// Issue 18: the lead's health strip (one call for the dashboard), drift as a security event, the
// re-apply action, and the answer of a synchronous webhook test.
import { z } from 'zod';

import { text, TimestampSchema, UuidSchema } from '../primitives.ts';
import { ReconcileDriftSchema } from './reconcile.ts';
import { WebhookDeliverySchema } from './webhooks.ts';

/** One field of a managed object someone else changed (we set it) or added (we never set it). */
export const DriftFieldSchema = z.object({
  path: z
    .string()
    .meta({ description: 'The field, e.g. .spec.ingress or .spec.template.spec.containers[1].' }),
  change: z.enum(['changed', 'added']),
  managers: z.array(z.string()).meta({
    description:
      "The field managers other than egress-control that own the field, from the live object's metadata.managedFields (empty when none is recorded).",
  }),
});
export type DriftField = z.infer<typeof DriftFieldSchema>;

/** A managed object a reconcile run found changed outside egress-control, and put back. */
export const DriftedObjectSchema = z
  .object({
    kind: z.string(),
    namespace: z.string().nullable(),
    name: z.string(),
    change: z.enum(['modified', 'deleted']).meta({
      description: 'modified: fields edited or added by another field manager; deleted: the object was gone.',
    }),
    fields: z.array(DriftFieldSchema),
    managers: z.array(z.string()).meta({
      description:
        'Every field manager named in fields (none for a deletion: the API server does not record who deleted).',
    }),
  })
  .meta({ id: 'DriftedObject' });
export type DriftedObject = z.infer<typeof DriftedObjectSchema>;

export const ALERT_KINDS = ['blocked_egress', 'drift'] as const;
export const AlertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKindSchema>;

/** What a drift alert is about (null on denied-egress alerts). */
export const AlertDriftSchema = z.object({
  runId: UuidSchema.meta({ description: 'The reconcile run that found and healed the drift.' }),
  objects: z.array(DriftedObjectSchema),
});

const GrantBriefSchema = z.object({
  id: UuidSchema,
  service: z.string(),
  namespace: z.string(),
  destination: z.string().nullable().meta({ description: 'null for a port-wide grant (any host).' }),
  port: z.int(),
  expiresAt: TimestampSchema.nullable(),
});
export type GrantBrief = z.infer<typeof GrantBriefSchema>;

const GrantGroupSchema = z.object({
  count: z.int(),
  items: z.array(GrantBriefSchema).meta({ description: 'The first 10, soonest expiry first.' }),
});

export const FailingWebhookSchema = z.object({
  id: UuidSchema,
  name: z.string(),
  failingSince: TimestampSchema.meta({
    description: 'When the first delivery failed that has not been followed by a successful one.',
  }),
  lastError: z.string(),
  lastAttemptAt: TimestampSchema,
});
export type FailingWebhook = z.infer<typeof FailingWebhookSchema>;

export const HealedDriftSchema = DriftedObjectSchema.extend({
  at: TimestampSchema,
  runId: z.string(),
}).meta({ id: 'HealedDrift' });
export type HealedDrift = z.infer<typeof HealedDriftSchema>;

export const HealthStripSchema = z
  .object({
    observedAt: TimestampSchema,
    coverage: z
      .object({
        enforced: z.int(),
        total: z.int(),
        openByOmission: z
          .int()
          .meta({ description: 'Namespaces open because the settings do not list them.' }),
        source: z.enum(['cluster', 'settings']),
      })
      .nullable()
      .meta({ description: 'null when coverage could not be computed.' }),
    drift: z.object({
      state: z.enum(['none', 'drifted', 'unknown', 'notObserved']).meta({
        description:
          'none / drifted: from a live comparison now; unknown: the live state could not be read (see error); notObserved: the target has no cluster to compare.',
      }),
      error: z.string().nullable(),
      objects: z
        .array(ReconcileDriftSchema)
        .meta({ description: 'Objects that differ from the desired state now.' }),
      healed: z.array(HealedDriftSchema).meta({
        description:
          'Drift found and healed by reconcile runs in the last 7 days, newest first (at most 10).',
      }),
    }),
    failingWebhooks: z.array(FailingWebhookSchema),
    expiringGrants: GrantGroupSchema.meta({ description: 'Active grants that expire within 72 hours.' }),
    portWideGrants: GrantGroupSchema.meta({ description: 'Active port-wide grants (any host on a port).' }),
  })
  .meta({ id: 'HealthStrip' });
export type HealthStrip = z.infer<typeof HealthStripSchema>;

export const ReapplyBodySchema = z
  .strictObject({
    reason: text(500).optional().meta({ description: 'Why, for the audit log.' }),
  })
  .nullish();
export type ReapplyBody = z.input<typeof ReapplyBodySchema>;

export const ReapplyAcceptedSchema = z.object({ runId: UuidSchema });

/** POST /webhooks/{id}/test: the delivery as recorded after the one attempt, and how long it took. */
export const WebhookTestResultSchema = WebhookDeliverySchema.extend({
  durationMs: z
    .int()
    .meta({ description: 'From sending the request to the end of the answer (or the error).' }),
}).meta({ id: 'WebhookTestResult' });
export type WebhookTestResult = z.infer<typeof WebhookTestResultSchema>;
