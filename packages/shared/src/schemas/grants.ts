import { z } from 'zod';

import {
  HostnameSchema,
  PortSchema,
  ServiceNameSchema,
  text,
  TimestampSchema,
  UuidSchema,
} from '../primitives.ts';
import { PageQuerySchema } from './common.ts';
import { SensitivitySchema } from './destinations.ts';
import { GrantUsageSchema } from './usage.ts';

export const GRANT_STATES = ['pending', 'active', 'rejected', 'cancelled', 'revoked', 'expired'] as const;
export const GrantStateSchema = z.enum(GRANT_STATES, { error: `must be one of ${GRANT_STATES.join(', ')}` });
export type GrantState = z.infer<typeof GrantStateSchema>;

export const JustificationSchema = text(2000, 10).meta({
  description: 'Why the service needs this access: a sentence at least.',
});

export const CreateGrantBodySchema = z.strictObject({
  service: ServiceNameSchema,
  destination: HostnameSchema.nullable().meta({
    description: 'The destination host, or null for a port-wide grant.',
  }),
  port: PortSchema,
  justification: JustificationSchema,
  expiresAt: TimestampSchema.optional(),
});
export type CreateGrantBody = z.input<typeof CreateGrantBodySchema>;

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
