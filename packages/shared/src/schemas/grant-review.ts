// What an approver needs to decide one request, in one answer (GET /api/v1/grants/{id}/review): who
// asked, what exactly becomes reachable, the denied traffic that shows the need, and what was decided
// before on the same access.
import { z } from 'zod';

import { ProtocolSchema, TimestampSchema, UuidSchema } from '../primitives.ts';
import { SensitivitySchema } from './destinations.ts';
import { GrantSchema } from './grants.ts';

export const DeniedFlowSummarySchema = z.object({
  destination: z.string().meta({ description: 'The name the workload asked for, or the address.' }),
  address: z.string().nullable(),
  port: z.int(),
  protocol: ProtocolSchema,
  workload: z.string().nullable().meta({ description: 'The newest source workload seen.' }),
  count: z.int(),
  firstSeen: TimestampSchema,
  lastSeen: TimestampSchema,
});
export type DeniedFlowSummary = z.infer<typeof DeniedFlowSummarySchema>;

export const GrantReviewSchema = z
  .object({
    grant: GrantSchema,
    requester: z.object({ email: z.string(), name: z.string() }),
    service: z.object({
      id: UuidSchema,
      name: z.string(),
      namespace: z.string(),
      selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
      serviceAccount: z.string().nullable(),
      team: z.string().nullable(),
      description: z.string().nullable(),
    }),
    destination: z
      .object({
        id: UuidSchema,
        host: z.string(),
        description: z.string().nullable(),
        sensitivity: SensitivitySchema,
        ports: z.array(z.object({ port: z.int(), protocol: ProtocolSchema })),
      })
      .nullable()
      .meta({ description: 'Null for a port-wide request (any public address on the port).' }),
    protocols: z
      .array(ProtocolSchema)
      .meta({ description: 'The protocols the grant opens on its port (port-wide grants: TCP).' }),
    portWide: z.boolean(),
    commentRequired: z.boolean().meta({
      description: 'Approving needs a comment: the request is port-wide or its destination is sensitive.',
    }),
    evidence: z.object({
      since: TimestampSchema,
      deniedFlows: z.array(DeniedFlowSummarySchema).meta({
        description:
          'Denied flows of the service to this host (port-wide: to any host on the port) since `since`, newest first, at most 20.',
      }),
    }),
    history: z.object({
      serviceGrants: z.array(GrantSchema).meta({
        description: "The service's other grants, newest first, at most 20.",
      }),
      rejections: z.array(GrantSchema).meta({
        description: 'Earlier rejected requests for the same service, destination and port, newest first.',
      }),
    }),
  })
  .meta({ id: 'GrantReview' });
export type GrantReview = z.infer<typeof GrantReviewSchema>;
