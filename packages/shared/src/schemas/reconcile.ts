import { z } from 'zod';

import { TimestampSchema, UuidSchema } from '../primitives.ts';
import { PageQuerySchema } from './common.ts';

export const RECONCILE_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export const ReconcileStatusSchema = z.enum(RECONCILE_STATUSES);

export const ReconcileCountsSchema = z.object({
  created: z.int(),
  updated: z.int(),
  deleted: z.int(),
  unchanged: z.int(),
  failed: z.int(),
});

export const ReconcileObjectSchema = z.object({
  kind: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  action: z.enum(['created', 'updated', 'deleted', 'unchanged', 'failed']),
  error: z.string().optional(),
  drift: z.string().optional().meta({
    description: 'Set when the object was rewritten because someone else had changed it: what they changed.',
  }),
});

export const ReconcileRunSchema = z
  .object({
    id: UuidSchema,
    target: z.string(),
    trigger: z.string(),
    dryRun: z.boolean(),
    startedAt: TimestampSchema,
    finishedAt: TimestampSchema.nullable(),
    status: ReconcileStatusSchema,
    counts: ReconcileCountsSchema,
    errors: z.array(z.string()),
  })
  .meta({ id: 'ReconcileRun' });
export type ReconcileRun = z.infer<typeof ReconcileRunSchema>;

export const ReconcileRunDetailSchema = ReconcileRunSchema.extend({
  objects: z
    .array(ReconcileObjectSchema)
    .meta({ description: 'Objects the run changed or failed on (unchanged ones are counted, not listed).' }),
}).meta({ id: 'ReconcileRunDetail' });
export type ReconcileRunDetail = z.infer<typeof ReconcileRunDetailSchema>;

export const ReconcileBodySchema = z
  .strictObject({ dryRun: z.boolean({ error: 'must be a boolean' }).optional() })
  .nullish();
export const ReconcileAcceptedSchema = z.object({ runId: UuidSchema });

export const ReconcileRunListQuerySchema = PageQuerySchema.extend({
  status: ReconcileStatusSchema.optional(),
});

export const ManifestsQuerySchema = z.object({ format: z.enum(['json', 'yaml', 'input']).default('json') });

export const ReconcileDriftSchema = z
  .object({
    kind: z.string(),
    namespace: z.string().nullable(),
    name: z.string(),
    reason: z.string().meta({
      description:
        'missing, not managed, outdated (a change not applied yet), modified (by another field manager, named), or extra (no longer desired).',
    }),
  })
  .meta({ id: 'ReconcileDrift' });
export type ReconcileDrift = z.infer<typeof ReconcileDriftSchema>;

export const GatewayStatusSchema = z
  .object({
    destination: z.string(),
    gatewayName: z.string(),
    readyReplicas: z.int(),
    desiredReplicas: z.int(),
    ready: z
      .boolean()
      .meta({ description: 'At least one ready pod: only ready gateways get a DNS rewrite.' }),
  })
  .meta({ id: 'GatewayStatus' });
export type GatewayStatus = z.infer<typeof GatewayStatusSchema>;

export const ReconcileStatusReportSchema = z
  .object({
    target: z.enum(['kubernetes', 'directory', 'none']),
    leader: z.boolean().meta({ description: 'Whether the replica that answered holds the reconciler lock.' }),
    lastRun: ReconcileRunSchema.nullable().meta({
      description: 'The latest finished run (dry runs excluded).',
    }),
    observedAt: TimestampSchema,
    error: z
      .string()
      .nullable()
      .meta({ description: 'Why the live state could not be read (drift and gateways are then empty).' }),
    drift: z.array(ReconcileDriftSchema),
    gateways: z.array(GatewayStatusSchema),
  })
  .meta({ id: 'ReconcileStatusReport' });
export type ReconcileStatusReport = z.infer<typeof ReconcileStatusReportSchema>;

/** A Kubernetes object as the compiler renders it (spec, data and other fields pass through). */
export const KubernetesObjectSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.object({
    name: z.string(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
  }),
});

/** GET /api/v1/manifests as JSON: the objects (format=json) or the compiler input (format=input); format=yaml is text. */
export const ManifestsResponseSchema = z.union([
  z.object({ items: z.array(KubernetesObjectSchema) }),
  z.looseObject({ settings: z.unknown() }),
]);
