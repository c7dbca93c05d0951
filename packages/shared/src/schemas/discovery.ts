// Discovered egress, the impact of an action (revoke a grant, enforce a namespace or a destination) and
// bulk access requests (issue 15). The evidence is the denied flows (collectors) and the gateways' usage
// without a grant (observe mode).
import { z } from 'zod';

import {
  HostnameSchema,
  NamespaceSchema,
  PortSchema,
  ServiceNameSchema,
  TimestampSchema,
  UuidSchema,
} from '../primitives.ts';
import { PageQuerySchema } from './common.ts';
import { JustificationSchema } from './grants.ts';

const DaysSchema = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be an integer' })
  .min(1, { error: 'must be between 1 and 90' })
  .max(90, { error: 'must be between 1 and 90' })
  .default(7)
  .meta({ description: 'How far back the evidence goes, in days (default 7).' });

/** Where a row's evidence comes from: collectors' denied flows, and/or the gateways' usage without a grant. */
export const EvidenceSourceSchema = z.enum(['denied', 'observed']);

/** A (service, host, port) with recent traffic and no active grant, and what its evidence says. */
export const UngrantedTrafficSchema = z
  .object({
    serviceId: UuidSchema,
    service: z.string(),
    namespace: z.string(),
    destinationId: UuidSchema.nullable().meta({
      description: 'Null: the host is not a registered destination (a request needs it registered first).',
    }),
    host: z.string(),
    port: z.int(),
    sources: z.array(EvidenceSourceSchema),
    deniedCount: z.int().meta({ description: 'Denied connections reported by collectors.' }),
    observedConnections: z
      .int()
      .meta({ description: 'Connections an observe-mode gateway admitted without a grant.' }),
    lastSeen: TimestampSchema,
    pendingGrantId: UuidSchema.nullable().meta({
      description: 'A pending request for exactly this (service, destination, port), if one exists.',
    }),
  })
  .meta({ id: 'UngrantedTraffic' });
export type UngrantedTraffic = z.infer<typeof UngrantedTrafficSchema>;

export const DiscoveredEgressQuerySchema = PageQuerySchema.extend({
  days: DaysSchema,
  q: z.string().max(253).optional().meta({ description: 'Substring of the service name or the host.' }),
  namespace: NamespaceSchema.optional(),
  source: EvidenceSourceSchema.optional().meta({ description: 'Only rows with this evidence.' }),
});
export type DiscoveredEgressQuery = z.input<typeof DiscoveredEgressQuerySchema>;

export const IMPACT_KINDS = ['grant-revoke', 'destination-enforce', 'namespace-enforce'] as const;

export const ImpactQuerySchema = z
  .object({
    kind: z.enum(IMPACT_KINDS, { error: `must be one of ${IMPACT_KINDS.join(', ')}` }),
    id: UuidSchema.optional().meta({
      description: 'The grant (grant-revoke) or destination (destination-enforce).',
    }),
    namespace: NamespaceSchema.optional().meta({ description: 'The namespace (namespace-enforce).' }),
    days: DaysSchema,
  })
  .superRefine((q, ctx) => {
    if (q.kind === 'namespace-enforce' && q.namespace === undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'is required for kind namespace-enforce',
        path: ['namespace'],
      });
    if (q.kind !== 'namespace-enforce' && q.id === undefined)
      ctx.addIssue({ code: 'custom', message: `is required for kind ${q.kind}`, path: ['id'] });
  });
export type ImpactQuery = z.input<typeof ImpactQuerySchema>;

export const ImpactSchema = z
  .object({
    kind: z.enum(IMPACT_KINDS),
    since: TimestampSchema,
    days: z.int(),
    /** What the action would refuse: services with recent traffic the change leaves without access. */
    services: z.array(UngrantedTrafficSchema.extend({ grantId: UuidSchema.nullable() })),
    /** Sources the gateway could not attribute to a registered service (by address). */
    unattributed: z.array(
      z.object({ sourceIp: z.string(), port: z.int(), connections: z.int(), lastSeen: TimestampSchema }),
    ),
    /** One sentence for the console, e.g. "3 services used this in the last 7 days". */
    summary: z.string(),
    /** What the evidence cannot show for this action (the console prints it under the list). */
    note: z.string().nullable(),
  })
  .meta({ id: 'Impact' });
export type Impact = z.infer<typeof ImpactSchema>;

export const BulkRequestItemSchema = z.strictObject({
  service: ServiceNameSchema,
  destination: HostnameSchema.meta({ description: 'A registered destination host.' }),
  port: PortSchema,
});

export const BulkGrantRequestBodySchema = z.strictObject({
  items: z
    .array(BulkRequestItemSchema, { error: 'must be a list of {service, destination, port}' })
    .min(1, { error: 'must list at least one request' })
    .max(200, { error: 'must list at most 200 requests' }),
  justification: JustificationSchema,
  expiresAt: TimestampSchema.optional(),
});
export type BulkGrantRequestBody = z.input<typeof BulkGrantRequestBodySchema>;

export const BulkGrantRequestResultSchema = z
  .object({
    created: z.array(z.object({ index: z.int(), grantId: UuidSchema })),
    /** Items that already had a pending or active grant: nothing new was filed for them. */
    existing: z.array(
      z.object({ index: z.int(), grantId: UuidSchema, state: z.enum(['pending', 'active']) }),
    ),
  })
  .meta({ id: 'BulkGrantRequestResult' });
export type BulkGrantRequestResult = z.infer<typeof BulkGrantRequestResultSchema>;
