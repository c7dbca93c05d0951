import { z } from 'zod';

import {
  HostnameSchema,
  PortSchema,
  ProtocolSchema,
  ServiceNameSchema,
  text,
  TimestampSchema,
  UuidSchema,
} from '../primitives.ts';
import { PageQuerySchema } from './common.ts';
import { PortListSchema, SensitivitySchema } from './destinations.ts';
import { GrantUsageSchema } from './usage.ts';

export const GRANT_STATES = ['pending', 'active', 'rejected', 'cancelled', 'revoked', 'expired'] as const;
export const GrantStateSchema = z.enum(GRANT_STATES, { error: `must be one of ${GRANT_STATES.join(', ')}` });
export type GrantState = z.infer<typeof GrantStateSchema>;

export const JustificationSchema = text(2000, 10).meta({
  description: 'Why the service needs this access: a sentence at least.',
});

const HOUR_S = 3600;
const YEAR_S = 365 * 86_400;
/** How long the grant lasts once active (issue 18: counted from activation, not from the request). */
export const DurationSecondsSchema = z
  .int({ error: 'must be a whole number of seconds' })
  .min(HOUR_S, { error: 'must be at least 3600 (one hour)' })
  .max(YEAR_S, { error: `must be at most ${YEAR_S} (one year)` })
  .meta({ description: 'Seconds the grant lasts, counted from when it becomes active.' });

/** A destination proposed with a request for a host nobody registered; the host is the request's destination. */
export const ProposedDestinationSchema = z
  .strictObject({
    ports: PortListSchema,
    sensitivity: SensitivitySchema,
    description: text(500, 3).meta({ description: 'What the host is, for the approver who registers it.' }),
  })
  .meta({ id: 'ProposedDestination' });
export type ProposedDestination = z.infer<typeof ProposedDestinationSchema>;

/** The proposal as a grant shows it (read side). */
export const ProposedDestinationViewSchema = z.object({
  host: z.string(),
  ports: z.array(z.object({ port: z.int(), protocol: ProtocolSchema })),
  sensitivity: SensitivitySchema,
  description: z.string(),
});
export type ProposedDestinationView = z.infer<typeof ProposedDestinationViewSchema>;

export const CreateGrantBodySchema = z
  .strictObject({
    service: ServiceNameSchema,
    destination: HostnameSchema.nullable().meta({
      description: 'The destination host, or null for a port-wide grant.',
    }),
    port: PortSchema,
    justification: JustificationSchema,
    expiresAt: TimestampSchema.optional().meta({
      description: 'A fixed end, whenever the grant becomes active. Prefer durationSeconds.',
    }),
    durationSeconds: DurationSecondsSchema.optional(),
    proposedDestination: ProposedDestinationSchema.optional().meta({
      description:
        'For a host that is not registered: the destination to register with it, on the final approval.',
    }),
  })
  .superRefine((b, ctx) => {
    if (b.expiresAt !== undefined && b.durationSeconds !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['durationSeconds'],
        message: 'give either expiresAt or durationSeconds, not both',
      });
    const proposed = b.proposedDestination;
    if (!proposed) return;
    if (b.destination === null)
      ctx.addIssue({
        code: 'custom',
        path: ['proposedDestination'],
        message: 'a port-wide request cannot propose a destination',
      });
    else if (!proposed.ports.some((p) => p.port === b.port))
      ctx.addIssue({
        code: 'custom',
        path: ['port'],
        message: `must be one of the proposed ports (${proposed.ports.map((p) => p.port).join(', ')})`,
      });
  });
export type CreateGrantBody = z.input<typeof CreateGrantBodySchema>;

export const RenewGrantBodySchema = z.strictObject({
  justification: JustificationSchema,
  durationSeconds: DurationSecondsSchema,
});
export type RenewGrantBody = z.input<typeof RenewGrantBodySchema>;

// Bodies of approve and cancel are optional: a bare POST is accepted.
export const ApproveBodySchema = z.strictObject({ comment: text(2000).optional() }).nullish();
export const ReasonBodySchema = z.strictObject({ reason: text(2000) });
export const CancelBodySchema = z.strictObject({ reason: text(2000).optional() }).nullish();

/** Where a request came from when automation filed it: the API token, and the repository and commit it named. */
export const GrantSourceSchema = z
  .object({
    token: z.string().nullable().meta({ description: 'Name of the API token that filed the request.' }),
    repository: z.string().nullable().meta({ description: 'Source repository, e.g. "acme/payments".' }),
    commit: z
      .string()
      .nullable()
      .meta({ description: 'Commit of that repository the rule files came from.' }),
  })
  .meta({ id: 'GrantSource' });
export type GrantSource = z.infer<typeof GrantSourceSchema>;

/** A repository and commit as a pipeline names them (rules sync); both optional, each bounded. */
export const SourceRefSchema = z
  .strictObject({
    repository: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(200, { error: 'must be at most 200 characters' })
      .regex(/^[\w.\-/:@]+$/, { error: 'may hold letters, digits and . - _ / : @ only' })
      .optional(),
    commit: z
      .string()
      .trim()
      .regex(/^[0-9a-fA-F]{7,64}$/, { error: 'must be a commit hash (7 to 64 hexadecimal digits)' })
      .transform((v) => v.toLowerCase())
      .optional(),
  })
  .meta({ description: 'The repository and commit the rule files were read from (shown to approvers).' });

export const ApprovalSchema = z.object({
  approver: z.string(),
  at: TimestampSchema,
  comment: z.string().nullable(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export const GrantSchema = z
  .object({
    id: UuidSchema,
    service: z.string(),
    serviceId: UuidSchema,
    serviceNamespace: z
      .string()
      .meta({ description: "The service's namespace (so a list of grants needs no service look-ups)." }),
    destination: z.string().nullable(),
    destinationId: UuidSchema.nullable(),
    destinationSensitivity: SensitivitySchema.nullable().meta({
      description: "The destination's sensitivity now; null for port-wide grants.",
    }),
    port: z.int(),
    state: GrantStateSchema,
    justification: z.string(),
    requestedBy: z.string(),
    requestedAt: TimestampSchema,
    expiresAt: TimestampSchema.nullable(),
    approvals: z.array(ApprovalSchema),
    requiredApprovals: z.int(),
    decidedAt: TimestampSchema.nullable(),
    decidedBy: z.string().nullable(),
    reason: z.string().nullable(),
    source: GrantSourceSchema.nullable().meta({
      description: 'Null for a request made in the console; otherwise the token and source it came from.',
    }),
    // Usage (issue 15): on every grant the API answers with; absent from audit rows and webhook payloads.
    lastUsedAt: TimestampSchema.nullable().optional().meta({
      description:
        'Last connection through the gateway this grant admitted (null: none within the usage retention). Absent for port-wide grants, which use no gateway and so cannot be measured.',
    }),
    usage: GrantUsageSchema.optional(),
    // Issue 18 (additive).
    serviceTeam: z.string().nullable().meta({ description: "The service's owner team, for routing." }),
    requestedByName: z.string().meta({ description: "The requester's display name." }),
    activatedAt: TimestampSchema.nullable().meta({ description: 'When the last approval made it active.' }),
    durationSeconds: z.int().nullable().meta({
      description: 'The requested duration; expiresAt is set from it when the grant becomes active.',
    }),
    renewsGrantId: UuidSchema.nullable().meta({ description: 'A renewal: the grant it continues.' }),
    pendingRenewalId: UuidSchema.nullable().meta({
      description: 'A renewal of this grant waiting for approval.',
    }),
    proposedDestination: ProposedDestinationViewSchema.nullable().meta({
      description:
        'A request for an unregistered host: the destination the final approval registers (destination is its host, destinationId null until then).',
    }),
  })
  .meta({ id: 'Grant' });
export type Grant = z.infer<typeof GrantSchema>;

export const GrantListQuerySchema = PageQuerySchema.extend({
  state: GrantStateSchema.optional(),
  service: z.string().max(128).optional().meta({ description: 'Service name.' }),
  destination: z
    .string()
    .max(253)
    .optional()
    .meta({ description: 'Destination host; "*" for port-wide grants.' }),
  requestedBy: z.string().max(254).optional().meta({ description: 'Requester email.' }),
  sensitivity: SensitivitySchema.optional().meta({ description: "The destination's sensitivity." }),
  portWide: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: 'Only port-wide grants (true) or only destination grants (false).' }),
  team: z.string().max(100).optional().meta({ description: "The service's owning team." }),
  waitingOnMe: z.enum(['true']).optional().meta({
    description:
      'Only pending requests the caller may still decide: not requested by them, not yet approved by them.',
  }),
  unusedForDays: z.coerce
    .number({ error: 'must be a whole number of days' })
    .int({ error: 'must be a whole number of days' })
    .min(1, { error: 'must be between 1 and 730' })
    .max(730, { error: 'must be between 1 and 730' })
    .optional()
    .meta({
      description:
        'Only active grants to a destination that no connection used for this many days; a grant never used counts from its activation. At most the usage retention (settings usageRetentionDays).',
    }),
  order: z.enum(['asc', 'desc']).default('desc').meta({
    description:
      'By request time: desc (newest first, default) or asc (oldest first, e.g. an approval inbox).',
  }),
});
export type GrantListQuery = z.input<typeof GrantListQuerySchema>;

export const RulesSyncResultSchema = z.object({
  created: z.array(GrantSchema),
  unchanged: z.array(GrantSchema),
  unknownDestinations: z.array(z.string()),
  revoked: z.array(GrantSchema),
});
export type RulesSyncResult = z.infer<typeof RulesSyncResultSchema>;
